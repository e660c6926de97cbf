/** The lab's store: slices bound into one vanilla store (usable in Node tests without React). */
import { createStore } from 'zustand/vanilla';
import type { WorkerEvent } from '../../worker/protocol';
import { createConfigSlice } from './config-slice';
import { createDataSlice } from './data-slice';
import { createHistorySlice } from './history-slice';
import { createLinkSlice } from './link-slice';
import { createRangeSlice } from './range-slice';
import { createRecipeSlice } from './recipe-slice';
import { createResumeSlice } from './resume-slice';
import { createRunSlice } from './run-slice';
import { createSpeedSlice } from './speed-slice';
import { createTopologySlice } from './topology-slice';
import { createSweepSlice } from './sweep-slice';
import type { LabState } from './types';

export type { LabState } from './types';
export { isActive, newRunId, type LiveRun } from './run-model';
export type { RunInfo } from './run-slice';
export type { BackendStatus, DataStatus } from './data-slice';
export type { RangeRun } from './range-slice';
export { isQueueActive, type QueueEntry, type RunQueue } from './sweep-slice';

export const labStore = createStore<LabState>()((...a) => ({
  ...createConfigSlice(...a),
  ...createDataSlice(...a),
  ...createRunSlice(...a),
  ...createHistorySlice(...a),
  ...createLinkSlice(...a),
  ...createRangeSlice(...a),
  ...createRecipeSlice(...a),
  ...createTopologySlice(...a),
  ...createSweepSlice(...a),
  ...createResumeSlice(...a),
  ...createSpeedSlice(...a),
}));

/** Back to the first state, for tests. */
export function resetStore(): void {
  labStore.setState(labStore.getInitialState(), true);
}

/** Routes one worker event to the slice that owns it. */
export function applyWorkerEvent(e: WorkerEvent): void {
  const s = labStore.getState();
  // A range test's events go to its own slice; everything else to the training run.
  if (s.onRangeEvent(e)) return;
  if (s.onTopologyEvent(e)) return;
  switch (e.type) {
    case 'ready':
      s.setWorkerReady(true);
      break;
    case 'backend': {
      const { type: _t, ...backend } = e;
      s.onBackend(backend);
      break;
    }
    case 'data':
      s.onData(e);
      break;
    case 'progress': {
      const { type: _t, runId, ...progress } = e;
      s.setProgress(runId, progress);
      break;
    }
    case 'trainPoints':
      s.appendTrainPoints(e.runId, e.points);
      break;
    case 'valPoint':
      s.appendValPoint(e.runId, e.point);
      break;
    case 'state':
      s.setRunState(e.runId, e.state, e.message);
      break;
    case 'error':
      s.setWorkerError(e.message);
      break;
    case 'checkpoint':
      s.onCheckpoint(e);
      break;
    case 'checkpoints':
      s.setCheckpoints(e.list);
      break;
    case 'resumed':
      s.onResumed(e);
      break;
    case 'speed':
      s.onSpeed(e.model, e.sample, e.error);
      break;
  }
}
