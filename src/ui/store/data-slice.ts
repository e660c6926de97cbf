import type { StateCreator } from 'zustand';
import type { BackendChoice, BackendName, DatasetName } from '../../core/config';
import type { WorkerEvent } from '../../worker/protocol';
import type { LabState } from './types';

export type DataEvent = Extract<WorkerEvent, { type: 'data' }>;
export type DataStatus = Omit<DataEvent, 'type' | 'dataset'>;

export interface BackendStatus {
  backend: BackendName;
  requested: BackendChoice;
  fallbackReason?: string;
  detail?: string;
}

export interface DataSlice {
  /** Latest loading report per dataset; absent until the worker says something about it. */
  datasets: Partial<Record<DatasetName, DataStatus>>;
  backend: BackendStatus | null;
  workerReady: boolean;
  /** A worker-level error not tied to a run (bad message, rejected command), for a banner. */
  workerError: string | null;
  onData: (e: DataEvent) => void;
  onBackend: (b: BackendStatus) => void;
  setWorkerReady: (ready: boolean) => void;
  setWorkerError: (message: string | null) => void;
  /** The worker died: everything it held (datasets, backend) is gone with it. */
  forgetWorker: () => void;
}

export const createDataSlice: StateCreator<LabState, [], [], DataSlice> = (set) => ({
  datasets: {},
  backend: null,
  workerReady: false,
  workerError: null,
  onData: ({ type: _t, dataset, ...status }) =>
    set((s) => {
      // 'ready' does not repeat where the bytes came from; keep what loading said.
      const prev = s.datasets[dataset];
      const source = status.source ?? prev?.source;
      // Shards a run asks for after 'ready' stream in on demand: the dataset stays ready (a
      // "loading 15,000 / 60,000" bar would otherwise stand still for the whole run).
      const onDemand =
        prev?.phase === 'ready' && status.phase === 'loading' && source === prev.source;
      const phase = onDemand ? 'ready' : status.phase;
      return { datasets: { ...s.datasets, [dataset]: { ...status, phase, source } } };
    }),
  onBackend: (backend) => set({ backend }),
  setWorkerReady: (workerReady) => set({ workerReady }),
  setWorkerError: (workerError) => set({ workerError }),
  forgetWorker: () => set({ datasets: {}, backend: null, workerReady: false }),
});
