import type { StateCreator } from 'zustand';
import type { RunCurves, RunRecord } from '../../core/run-record';
import type { LabState } from './types';

export interface HistorySlice {
  /** Saved runs, newest first (metadata only; curves load on demand). */
  historyRuns: RunRecord[];
  /** Whether the history has been read from IndexedDB yet (or failed to be). */
  historyLoaded: boolean;
  /** Why the history cannot be saved (no IndexedDB, quota), for the panel. */
  historyError: string | null;
  /** The error is a full storage quota: the panel offers to delete old runs. */
  historyFull: boolean;
  /** Runs drawn over the loss chart, in the order selected (colours follow the order). */
  overlayIds: string[];
  overlayCurves: Record<string, RunCurves>;
  /** What an import changed or skipped, one line each. */
  importNotices: string[];
  setHistory: (runs: RunRecord[]) => void;
  setHistoryError: (message: string | null, full?: boolean) => void;
  upsertHistoryRun: (run: RunRecord) => void;
  removeHistoryRun: (id: string) => void;
  renameHistoryRun: (id: string, name: string) => void;
  toggleOverlay: (id: string) => void;
  setOverlayCurves: (id: string, curves: RunCurves) => void;
  setImportNotices: (notices: string[]) => void;
}

const newestFirst = (a: RunRecord, b: RunRecord) => b.createdAt - a.createdAt;

export const createHistorySlice: StateCreator<LabState, [], [], HistorySlice> = (set) => ({
  historyRuns: [],
  historyLoaded: false,
  historyError: null,
  historyFull: false,
  overlayIds: [],
  overlayCurves: {},
  importNotices: [],
  setHistory: (runs) => set({ historyRuns: runs.slice().sort(newestFirst), historyLoaded: true }),
  setHistoryError: (message, full = false) =>
    set({ historyError: message, historyFull: message !== null && full }),
  upsertHistoryRun: (run) =>
    set((s) => {
      const i = s.historyRuns.findIndex((r) => r.id === run.id);
      if (i < 0) return { historyRuns: [run, ...s.historyRuns].sort(newestFirst) };
      const next = s.historyRuns.slice();
      next[i] = run;
      return { historyRuns: next };
    }),
  removeHistoryRun: (id) =>
    set((s) => {
      const { [id]: _gone, ...curves } = s.overlayCurves;
      return {
        historyRuns: s.historyRuns.filter((r) => r.id !== id),
        overlayIds: s.overlayIds.filter((x) => x !== id),
        overlayCurves: curves,
      };
    }),
  renameHistoryRun: (id, name) =>
    set((s) => ({
      historyRuns: s.historyRuns.map((r) => (r.id === id ? { ...r, name } : r)),
    })),
  toggleOverlay: (id) =>
    set((s) => ({
      overlayIds: s.overlayIds.includes(id)
        ? s.overlayIds.filter((x) => x !== id)
        : [...s.overlayIds, id],
    })),
  setOverlayCurves: (id, curves) =>
    set((s) => ({ overlayCurves: { ...s.overlayCurves, [id]: curves } })),
  setImportNotices: (notices) => set({ importNotices: notices }),
});
