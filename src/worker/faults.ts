/**
 * Test-only faults, wired in only by the e2e build (`__LAB_TEST_HOOKS__`): a crash, a destroyed
 * WebGPU device, running out of memory or NaN weights at the next training step.
 */
import { OutOfMemoryError } from '../core/errors';
import type { TestFault, WorkerEvent } from './protocol';

export class FaultInjector {
  private oom = false;
  private nan = false;

  constructor(
    private readonly post: (e: WorkerEvent) => void,
    private readonly poisonVariables: () => void,
    private readonly gpuDevice: () => GPUDevice | null,
  ) {}

  inject(fault: TestFault): void {
    if (fault === 'throw')
      // Thrown outside any handler: the page's Worker gets an 'error' event, as on a real crash.
      setTimeout(() => {
        throw new Error('injected fault: the worker crashed');
      });
    else if (fault === 'oom') this.oom = true;
    else if (fault === 'nan') this.nan = true;
    else {
      const device = this.gpuDevice();
      if (device) device.destroy();
      else this.post({ type: 'error', message: 'injected fault: no WebGPU device to lose' });
    }
  }

  /** The run controller's `beforeStep`: an armed fault fires once, at the next step. */
  readonly beforeStep = (): void => {
    if (this.oom) {
      this.oom = false;
      throw new OutOfMemoryError(
        'GPUOutOfMemoryError: Failed to allocate a buffer (injected fault)',
      );
    }
    if (this.nan) {
      this.nan = false;
      this.poisonVariables();
    }
  };
}
