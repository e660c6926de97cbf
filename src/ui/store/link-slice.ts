import type { StateCreator } from 'zustand';
import type { SharedRun } from '../../core/share-codec';
import type { LabState } from './types';

/** A shared result on show: the run id it was loaded under, and what the list does not carry. */
export interface SharedInfo {
  runId: string;
  name: string;
  createdAt: number;
  backend: SharedRun['backend'];
  durationSec: number;
  /** The `r=` payload, kept in the URL while the result is on show. */
  payload: string;
}

export interface LinkSlice {
  /** Controls and page parts hidden by the link's `hide=` (classroom mode). */
  hidden: string[];
  /** The shared result on show, if the link carried one. */
  shared: SharedInfo | null;
  setHidden: (hidden: string[]) => void;
  /** Shows a decoded shared result as the current (finished) run, with its settings. */
  showShared: (run: SharedRun, payload: string) => void;
}

export const SHARED_RUN_PREFIX = 'shared:';

export const createLinkSlice: StateCreator<LabState, [], [], LinkSlice> = (set, get) => ({
  hidden: [],
  shared: null,
  setHidden: (hidden) => set({ hidden }),
  showShared: (run, payload) => {
    const runId = `${SHARED_RUN_PREFIX}${run.createdAt}`;
    const last = run.train.at(-1)?.step ?? run.val.at(-1)?.step ?? 0;
    // The run first: the URL sync then sees the shared payload and its run together.
    get().showRun(
      {
        runId,
        config: run.config,
        state: run.state,
        progress: {
          epoch: run.config.epochs,
          epochs: run.config.epochs,
          step: last,
          totalSteps: run.totalSteps,
          imagesPerSec: run.imagesPerSec,
          etaSec: null,
        },
        stopRequested: false,
      },
      run,
    );
    set({
      shared: {
        runId,
        name: run.name,
        createdAt: run.createdAt,
        backend: run.backend,
        durationSec: run.durationSec,
        payload,
      },
    });
    get().patchConfig(run.config);
  },
});

/** The shared result, only while it is still the run on show (a new run replaces it). */
export function sharedOnShow(s: LabState): SharedInfo | null {
  return s.shared && s.run?.runId === s.shared.runId ? s.shared : null;
}
