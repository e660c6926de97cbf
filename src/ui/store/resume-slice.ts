import type { StateCreator } from 'zustand';
import type { TrainConfig } from '../../core/config';
import type { RunCurves } from '../../core/run-record';
import type { WorkerEvent } from '../../worker/protocol';
import { startingRun } from './run-model';
import type { LabState } from './types';

type CheckpointEvent = Extract<WorkerEvent, { type: 'checkpoint' }>;
type ResumedEvent = Extract<WorkerEvent, { type: 'resumed' }>;

export interface ResumeSlice {
  /** The step of each run's last saved checkpoint: a run listed here can be resumed. */
  checkpoints: Record<string, number>;
  /** The current run's last checkpoint save, or why it failed. */
  checkpointStatus: { runId: string; step: number; error?: string } | null;
  /** Why the current run continued from a checkpoint (a resume, a lost device). */
  runNotice: { runId: string; message: string } | null;
  setCheckpoints: (list: readonly { runId: string; step: number }[]) => void;
  onCheckpoint: (e: CheckpointEvent) => void;
  /** Points after the checkpoint's step are void: the run computes them again. */
  onResumed: (e: ResumedEvent) => void;
  /** Makes a saved run current again, with its curves up to its checkpoint. */
  beginResume: (runId: string, config: TrainConfig, curves: RunCurves) => void;
}

export const createResumeSlice: StateCreator<LabState, [], [], ResumeSlice> = (set, get) => ({
  checkpoints: {},
  checkpointStatus: null,
  runNotice: null,
  setCheckpoints: (list) =>
    set((s) => {
      const checkpoints = { ...s.checkpoints };
      for (const c of list) checkpoints[c.runId] = c.step;
      return { checkpoints };
    }),
  onCheckpoint: ({ runId, step, error }) =>
    set((s) => ({
      checkpoints: error ? s.checkpoints : { ...s.checkpoints, [runId]: step },
      checkpointStatus: error ? { runId, step, error } : { runId, step },
    })),
  onResumed: ({ runId, step, message }) => {
    if (get().run?.runId !== runId) return;
    get().trimRunTo(runId, step);
    set({ runNotice: { runId, message } });
  },
  beginResume: (runId, config, curves) => {
    const step = get().checkpoints[runId] ?? 0;
    set({ runNotice: null, checkpointStatus: null });
    get().showRun(startingRun(runId, config), {
      train: curves.train.filter((p) => p.step <= step),
      val: curves.val.filter((p) => p.step <= step),
    });
  },
});
