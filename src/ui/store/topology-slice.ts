import type { StateCreator } from 'zustand';
import type { TopologyPoint, WorkerEvent } from '../../worker/protocol';
import type { LabState } from './types';

export interface TopologyLine {
  runId: string;
  pending: boolean;
  points: TopologyPoint[];
  error?: string;
}

export interface TopologySlice {
  /** Steps at which the next training run keeps its weights; null: no snapshots. */
  snapshotPlan: [number, number] | null;
  /** Snapshot steps the worker holds, for one run. */
  snapshots: { runId: string; steps: number[] } | null;
  topology: TopologyLine | null;
  setSnapshotPlan: (plan: [number, number] | null) => void;
  /** A run started with (or without) snapshots: the previous run's are gone. */
  resetSnapshots: (runId: string | null) => void;
  beginTopology: (runId: string) => void;
  /** Takes the topology events; false for every other event. */
  onTopologyEvent: (e: WorkerEvent) => boolean;
}

export const createTopologySlice: StateCreator<LabState, [], [], TopologySlice> = (set) => ({
  snapshotPlan: null,
  snapshots: null,
  topology: null,
  setSnapshotPlan: (plan) => set({ snapshotPlan: plan }),
  resetSnapshots: (runId) =>
    set({ snapshots: runId === null ? null : { runId, steps: [] }, topology: null }),
  beginTopology: (runId) => set({ topology: { runId, pending: true, points: [] } }),
  onTopologyEvent: (e) => {
    if (e.type === 'snapshot') {
      set((s) =>
        s.snapshots?.runId === e.runId
          ? { snapshots: { runId: e.runId, steps: [...s.snapshots.steps, e.step] } }
          : s,
      );
      return true;
    }
    if (e.type === 'topologyResult') {
      set((s) =>
        s.topology?.runId === e.runId
          ? { topology: { runId: e.runId, pending: false, points: e.points, error: e.error } }
          : s,
      );
      return true;
    }
    return false;
  },
});
