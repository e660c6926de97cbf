/**
 * Test-only fault hooks for the e2e build (`__LAB_TEST_HOOKS__`): main.tsx installs them only
 * there, so the production bundle has neither this module nor the worker's fault handler.
 */
import type { TestFault } from '../worker/protocol';
import { send } from './worker-client';

export interface LabTestHooks {
  /** Makes the worker fail: crash, lose its WebGPU device, or run out of memory. */
  fault(fault: TestFault): void;
}

export function installTestHooks(): void {
  const hooks: LabTestHooks = { fault: (fault) => send({ type: 'testFault', fault }) };
  (window as unknown as { __labTest: LabTestHooks }).__labTest = hooks;
}
