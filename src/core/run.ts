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
