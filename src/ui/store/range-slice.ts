/** The LR range test's own run: kept apart from training so neither chart overwrites the other. */
import type { StateCreator } from 'zustand';
import type { TrainConfig } from '../../core/config';
import type { RangeSpec } from '../../core/range-test';
import type { TrainPoint, ValPoint } from '../../core/run';
import type { WorkerEvent } from '../../worker/protocol';
import { startingRun, whileActive, withState, type LiveRun } from './run-model';
import type { LabState } from './types';

/** A run as every run on the page is (store/run-model), with the sweep and where it diverged. */
export interface RangeRun extends LiveRun {
  spec: RangeSpec;
  /** LR and step where the smoothed loss diverged; null until known or if it never did. */
  divergedAt: number | null;
  divergedStep: number | null;
}

export interface RangeSlice {
  rangeRun: RangeRun | null;
  rangeTrain: TrainPoint[];
  rangeVal: ValPoint[];
  beginRange: (runId: string, config: TrainConfig, spec: RangeSpec) => void;
  requestRangeStop: () => void;
  /** Marks an active range test failed (the worker crashed under it). */
  failActiveRange: (message: string) => void;
  /** Applies a worker event of the current range test; false if it belongs to something else. */
  onRangeEvent: (e: WorkerEvent) => boolean;
}

export const createRangeSlice: StateCreator<LabState, [], [], RangeSlice> = (set, get) => {
  const ifActive = whileActive(set, 'rangeRun');

  return {
    rangeRun: null,
    rangeTrain: [],
    rangeVal: [],
    beginRange: (runId, config, spec) =>
      set({
        rangeRun: { ...startingRun(runId, config), spec, divergedAt: null, divergedStep: null },
        rangeTrain: [],
        rangeVal: [],
      }),
    requestRangeStop: () => ifActive({ stopRequested: true }),
    failActiveRange: (message) => ifActive({ state: 'failed', message }),
    onRangeEvent: (e) => {
      const run = get().rangeRun;
      if (!run || !('runId' in e) || e.runId !== run.runId) return false;
      switch (e.type) {
        case 'trainPoints':
          set((s) => ({ rangeTrain: s.rangeTrain.concat(e.points) }));
          break;
        case 'valPoint':
          set((s) => ({ rangeVal: [...s.rangeVal, e.point] }));
          break;
        case 'progress': {
          const { type: _t, runId: _r, ...progress } = e;
          set({ rangeRun: { ...run, progress } });
          break;
        }
        case 'state':
          set({ rangeRun: withState(run, e.state, e.message) });
          break;
        case 'rangeResult':
          set({ rangeRun: { ...run, divergedAt: e.divergedAt, divergedStep: e.divergedStep } });
          break;
      }
      return true;
    },
  };
};
