import type { StateCreator } from 'zustand';
import type { TrainConfig } from '../../core/config';
import type { Progress, RunState, TrainPoint, ValPoint } from '../../core/run';
import type { LabState } from './types';

export interface RunInfo {
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

export interface RunSlice {
  run: RunInfo | null;
  /** Grown by each event's new points; never replaced by a whole history. */
  trainPoints: TrainPoint[];
  valPoints: ValPoint[];
  beginRun: (runId: string, config: TrainConfig) => void;
  requestStop: () => void;
  requestPause: (which: 'pause' | 'resume') => void;
  setRunState: (runId: string, state: RunState, message?: string) => void;
  setProgress: (runId: string, progress: Progress) => void;
  appendTrainPoints: (runId: string, points: readonly TrainPoint[]) => void;
  appendValPoint: (runId: string, point: ValPoint) => void;
  /** Marks the active run failed (the worker crashed under it). */
  failActiveRun: (message: string) => void;
}

const ACTIVE: readonly RunState[] = ['starting', 'running', 'paused'];

export function isActive(run: RunInfo | null): boolean {
  return run !== null && ACTIVE.includes(run.state);
}

export const createRunSlice: StateCreator<LabState, [], [], RunSlice> = (set) => {
  /** Applies a change only to the current run: late events of an older run are dropped. */
  const forRun = (runId: string, change: (s: LabState, run: RunInfo) => Partial<LabState>) =>
    set((s) => (s.run?.runId === runId ? change(s, s.run) : s));

  return {
    run: null,
    trainPoints: [],
    valPoints: [],
    beginRun: (runId, config) =>
      set({
        run: { runId, config, state: 'starting', progress: null, stopRequested: false },
        trainPoints: [],
        valPoints: [],
      }),
    requestStop: () =>
      set((s) => (s.run && isActive(s.run) ? { run: { ...s.run, stopRequested: true } } : s)),
    requestPause: (which) =>
      set((s) => (s.run && isActive(s.run) ? { run: { ...s.run, pauseRequested: which } } : s)),
    setRunState: (runId, state, message) =>
      forRun(runId, (_s, run) => {
        const { pauseRequested: _p, ...rest } = run;
        return { run: { ...rest, state, message } };
      }),
    setProgress: (runId, progress) => forRun(runId, (_s, run) => ({ run: { ...run, progress } })),
    appendTrainPoints: (runId, points) =>
      forRun(runId, (s) => ({ trainPoints: s.trainPoints.concat(points) })),
    appendValPoint: (runId, point) =>
      forRun(runId, (s) => ({ valPoints: [...s.valPoints, point] })),
    failActiveRun: (message) =>
      set((s) => (s.run && isActive(s.run) ? { run: { ...s.run, state: 'failed', message } } : s)),
  };
};
