/**
 * A queue of runs done one after the other (a sweep, or the demo's two runs). Each entry runs as
 * the ordinary training run; when it ends its curves are kept here for the comparison charts.
 */
import type { StateCreator } from 'zustand';
import type { TrainConfig } from '../../core/config';
import type { RangeSpec } from '../../core/range-test';
import type { RunState, TrainPoint, ValPoint } from '../../core/run';
import type { ClockStamp } from '../../core/sweep';
import type { LabState } from './types';

export type QueueKind = 'sweep' | 'demo';

/** What the queue is given per entry: a training run, or an LR range test when `range` is set. */
export interface QueueItem {
  label: string;
  config: TrainConfig;
  range?: RangeSpec;
}

export interface QueueEntry extends QueueItem {
  /** Set when the entry starts. */
  runId: string | null;
  state: RunState | 'queued';
  message?: string;
  totalSteps: number;
  stepsPerEpoch: number;
  /** Filled when the entry ends; the live entry's points are the run slice's. */
  train: TrainPoint[];
  val: ValPoint[];
  /** (step, seconds since start) each time points arrived: the wall-clock axis. */
  clock: ClockStamp[];
  imagesPerSec: number;
  /** Range-test entries: the LR where it diverged, null if it swept to the end. */
  divergedAt: number | null;
}

export interface RunQueue {
  kind: QueueKind;
  entries: QueueEntry[];
  /** Index of the entry running now; entries.length once all have ended. */
  current: number;
  /** Stop was pressed: the running entry stops and the rest are skipped. */
  cancelled: boolean;
}

export interface SweepSlice {
  /** Comma list of values typed in the sweep panel; null = the preset of the chosen parameter. */
  sweepText: string | null;
  queue: RunQueue | null;
  setSweepText: (text: string | null) => void;
  beginQueue: (kind: QueueKind, entries: QueueItem[]) => void;
  /** Replaces one entry's fields (the controller's only write path). */
  patchEntry: (index: number, patch: Partial<QueueEntry>) => void;
  setQueueCurrent: (index: number) => void;
  cancelQueue: () => void;
}

export function isQueueActive(q: RunQueue | null): boolean {
  return q !== null && !q.cancelled && q.current < q.entries.length;
}

export const createSweepSlice: StateCreator<LabState, [], [], SweepSlice> = (set) => ({
  sweepText: null,
  queue: null,
  setSweepText: (text) => set({ sweepText: text }),
  beginQueue: (kind, entries) =>
    set({
      queue: {
        kind,
        current: 0,
        cancelled: false,
        entries: entries.map((e) => ({
          ...e,
          runId: null,
          state: 'queued',
          totalSteps: 0,
          stepsPerEpoch: Math.floor(e.config.trainSize / e.config.batchSize),
          train: [],
          val: [],
          clock: [],
          imagesPerSec: 0,
          divergedAt: null,
        })),
      },
    }),
  patchEntry: (index, patch) =>
    set((s) => {
      if (!s.queue || !s.queue.entries[index]) return s;
      const entries = s.queue.entries.slice();
      entries[index] = { ...entries[index]!, ...patch };
      return { queue: { ...s.queue, entries } };
    }),
  setQueueCurrent: (index) => set((s) => (s.queue ? { queue: { ...s.queue, current: index } } : s)),
  cancelQueue: () => set((s) => (s.queue ? { queue: { ...s.queue, cancelled: true } } : s)),
});
