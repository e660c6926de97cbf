import type { StateCreator } from 'zustand';
import type { TrainConfig } from '../../core/config';
import type { Progress, RunState, TrainPoint, ValPoint } from '../../core/run';
import type { RunCurves } from '../../core/run-record';
import { startingRun, whileActive, withState, type LiveRun } from './run-model';
import type { LabState } from './types';

/** The training run: the shape every run on the page shares (store/run-model). */
export type RunInfo = LiveRun;

export interface RunSlice {
  run: RunInfo | null;
  /** Grown by each event's new points; never replaced by a whole history. */
  trainPoints: TrainPoint[];
  valPoints: ValPoint[];
  beginRun: (runId: string, config: TrainConfig) => void;
  /** Makes `run` the current run with these curves (a resumed run, a shared result). */
  showRun: (run: RunInfo, curves: RunCurves) => void;
  /** Drops the run's points after `step`: the worker computes them again (a resume). */
  trimRunTo: (runId: string, step: number) => void;
  requestStop: () => void;
  requestPause: (which: 'pause' | 'resume') => void;
  setRunState: (runId: string, state: RunState, message?: string) => void;
  setProgress: (runId: string, progress: Progress) => void;
  appendTrainPoints: (runId: string, points: readonly TrainPoint[]) => void;
  appendValPoint: (runId: string, point: ValPoint) => void;
  /** Marks the active run failed (the worker crashed under it). */
  failActiveRun: (message: string) => void;
}

export const createRunSlice: StateCreator<LabState, [], [], RunSlice> = (set) => {
  /** Applies a change only to the current run: late events of an older run are dropped. */
  const forRun = (runId: string, change: (s: LabState, run: RunInfo) => Partial<LabState>) =>
    set((s) => (s.run?.runId === runId ? change(s, s.run) : s));
  const ifActive = whileActive(set, 'run');

  return {
    run: null,
    trainPoints: [],
    valPoints: [],
    beginRun: (runId, config) =>
      set({ run: startingRun(runId, config), trainPoints: [], valPoints: [] }),
    showRun: (run, curves) => set({ run, trainPoints: curves.train, valPoints: curves.val }),
    trimRunTo: (runId, step) =>
      forRun(runId, (s) => ({
        trainPoints: s.trainPoints.filter((p) => p.step <= step),
        valPoints: s.valPoints.filter((p) => p.step <= step),
      })),
    requestStop: () => ifActive({ stopRequested: true }),
    requestPause: (which) => ifActive({ pauseRequested: which }),
    setRunState: (runId, state, message) =>
      forRun(runId, (_s, run) => ({ run: withState(run, state, message) })),
    setProgress: (runId, progress) => forRun(runId, (_s, run) => ({ run: { ...run, progress } })),
    appendTrainPoints: (runId, points) =>
      forRun(runId, (s) => ({ trainPoints: s.trainPoints.concat(points) })),
    appendValPoint: (runId, point) =>
      forRun(runId, (s) => ({ valPoints: [...s.valPoints, point] })),
    failActiveRun: (message) => ifActive({ state: 'failed', message }),
  };
};
