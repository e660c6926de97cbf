/** Points a run produces, shared by the engine (which makes them) and the UI (which draws them). */

export interface TrainPoint {
  /** Global iteration, from 1. */
  step: number;
  loss: number;
  lr: number;
  momentum: number;
}

export interface ValPoint {
  step: number;
  /** Fractional epoch at which this evaluation ran. */
  epoch: number;
  loss: number;
  /** Fractions in [0, 1]. */
  top1: number;
  top5: number;
  /** LR range test: the LR of the last iteration before this evaluation. */
  lr?: number;
  /** Wall-clock seconds since the run started, when this evaluation finished (for the epoch table). */
  elapsedSec?: number;
}

export interface Progress {
  epoch: number;
  epochs: number;
  step: number;
  totalSteps: number;
  imagesPerSec: number;
  /** Seconds to the end of the run at the current rate; null until measured. */
  etaSec: number | null;
}

export type RunState =
  'starting' | 'running' | 'paused' | 'stopped' | 'done' | 'diverged' | 'failed';

/** Every state, in a fixed order: a share link stores a state as its index here (append only). */
export const RUN_STATES: readonly RunState[] = [
  'starting',
  'running',
  'paused',
  'stopped',
  'done',
  'diverged',
  'failed',
];

/** States in which the worker still holds the run: it may send points, and Start waits for it. */
export const ACTIVE_STATES: readonly RunState[] = ['starting', 'running', 'paused'];

/** Whether a state (of a run, a history record or a queue entry) is one of ACTIVE_STATES. */
export function isActiveState(state: string): boolean {
  return (ACTIVE_STATES as readonly string[]).includes(state);
}

/** A run in one of these states has sent its last event. */
export function isEndedState(state: string): boolean {
  return state === 'done' || state === 'stopped' || state === 'diverged' || state === 'failed';
}
