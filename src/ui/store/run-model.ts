/**
 * A run as the page follows it, whichever slice holds it (the training run, the LR range test; a
 * queue entry records one): its shape, when it counts as active, the transitions every holder
 * applies the same way, and its id.
 */
import type { TrainConfig } from '../../core/config';
import { isActiveState, type Progress, type RunState } from '../../core/run';
import type { LabState } from './types';

export interface LiveRun {
  runId: string;
  /** The configuration the run was started with (the controls may differ after it ends). */
  config: TrainConfig;
  state: RunState;
  /** Why a run diverged or failed. */
  message?: string;
  progress: Progress | null;
  /** Stop was pressed; the worker answers once the current step has finished. */
  stopRequested: boolean;
  /** Pause (or Resume) was pressed and the worker has not answered yet: the page says so at once. */
  pauseRequested?: 'pause' | 'resume';
}

/** Whether the worker still holds this run (or queue entry): Start waits, the settings lock. */
export function isActive(run: { state: string } | null | undefined): boolean {
  return run != null && isActiveState(run.state);
}

/** A run just sent to the worker. */
export function startingRun(runId: string, config: TrainConfig): LiveRun {
  return { runId, config, state: 'starting', progress: null, stopRequested: false };
}

/**
 * A change to the run a slice keeps under `key`, applied only while it is active: otherwise the
 * store is left as it was, and its listeners are not called.
 */
export function whileActive(
  set: (change: (s: LabState) => LabState | Partial<LabState>) => void,
  key: 'run' | 'rangeRun',
): (change: Partial<LiveRun>) => void {
  return (change) =>
    set((s) => {
      const run = s[key];
      return run && isActive(run) ? ({ [key]: { ...run, ...change } } as Partial<LabState>) : s;
    });
}

/** The worker's state report: it answers any pending Pause or Resume. */
export function withState<R extends LiveRun>(run: R, state: RunState, message?: string): R {
  const { pauseRequested: _p, ...rest } = run;
  return { ...rest, state, message } as R;
}

/** A fresh id per run, so late events of an earlier run are told apart and dropped. */
export function newRunId(prefix: 'run' | 'range' | 'queue'): string {
  // randomUUID exists only in secure contexts (an http://192.168… address is not one).
  return typeof crypto.randomUUID === 'function'
    ? crypto.randomUUID()
    : `${prefix}-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}`;
}
