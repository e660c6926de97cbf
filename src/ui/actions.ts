/** What the buttons do: store changes paired with the worker commands they imply. */
import type { DatasetName } from '../core/config';
import { toWorkerConfig } from '../core/config-travel';
import { labStore, newRunId } from './store';
import { send } from './worker-client';

export function startRun(): void {
  const s = labStore.getState();
  const runId = newRunId('run');
  s.setWorkerError(null);
  s.beginRun(runId, s.config);
  // Loss topology: the worker keeps the weights at the planned steps.
  const snapshotAt = s.snapshotPlan ? [...s.snapshotPlan] : undefined;
  s.resetSnapshots(snapshotAt ? runId : null);
  const config = toWorkerConfig(s.config);
  send({ type: 'start', runId, config, ...(snapshotAt ? { snapshotAt } : {}) });
}

export function togglePause(): void {
  const s = labStore.getState();
  const which = s.run?.state === 'paused' ? 'resume' : 'pause';
  s.requestPause(which);
  send({ type: which });
}

export function stopRun(): void {
  labStore.getState().requestStop();
  send({ type: 'stop' });
}

export function loadDataset(dataset: DatasetName): void {
  send({ type: 'loadDataset', dataset });
}

/** Asks for the served shards again after a failed load (the worker forgot the failed attempt). */
export function retryDataset(dataset: DatasetName): void {
  // Says "loading" at once, so the old error does not linger until the first shard arrives.
  labStore.getState().onData({ type: 'data', dataset, phase: 'loading', loaded: 0, total: 0 });
  send({ type: 'loadDataset', dataset });
}

export function loadTarball(file: File, dataset: DatasetName): void {
  send({ type: 'loadTarball', file, dataset });
}
