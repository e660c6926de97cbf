/**
 * What the run controller needs of the engine, as one object: the worker hands it the real tfjs
 * engine, and tests the same engine with a backend choice they control.
 */
import type { BackendChoice, BackendName } from '../core/config';
import { gpuLostWithin, markBroken, selectBackend, type BackendSelection } from '../engine/backend';
import { poisonVariables } from '../engine/checkpoint';
import { runRangeTest } from '../engine/range-test';
import { runTraining } from '../engine/run';
import { disposeSnapshot, evaluateLine } from '../engine/topology';

export interface EnginePort {
  selectBackend(choice: BackendChoice): Promise<BackendSelection>;
  /** Never choose `name` again in this worker (a lost WebGPU device). */
  markBroken(name: BackendName): void;
  /** Whether the WebGPU device in use is lost within `ms`. */
  gpuLostWithin(ms: number): Promise<boolean>;
  runTraining: typeof runTraining;
  runRangeTest: typeof runRangeTest;
  evaluateLine: typeof evaluateLine;
  disposeSnapshot: typeof disposeSnapshot;
  /** Test fault: every trainable variable becomes NaN. */
  poisonVariables(): void;
}

export const tfjsEngine: EnginePort = {
  selectBackend,
  markBroken,
  gpuLostWithin,
  runTraining,
  runRangeTest,
  evaluateLine,
  disposeSnapshot,
  poisonVariables,
};
