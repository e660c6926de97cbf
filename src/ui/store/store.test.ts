import { beforeEach, describe, expect, it } from 'vitest';
import { defaultConfig } from '../../core/config';
import type { TrainPoint } from '../../core/run';
import { applyWorkerEvent, isActive, labStore, resetStore } from './index';

const pt = (step: number, loss = 2.3): TrainPoint => ({ step, loss, lr: 0.1, momentum: 0.9 });
const state = () => labStore.getState();

beforeEach(resetStore);

describe('run slice', () => {
  it('appends train points event by event, keeping earlier points', () => {
    state().beginRun('r1', defaultConfig());
    applyWorkerEvent({ type: 'trainPoints', runId: 'r1', points: [pt(1), pt(2)] });
    const first = state().trainPoints;
    applyWorkerEvent({ type: 'trainPoints', runId: 'r1', points: [pt(3, 2.1)] });
    expect(state().trainPoints.map((p) => p.step)).toEqual([1, 2, 3]);
    expect(state().trainPoints[2]?.loss).toBe(2.1);
    // Earlier arrays are not mutated (selectors compare by reference).
    expect(first).toHaveLength(2);
  });

  it('appends validation points and keeps the latest progress', () => {
    state().beginRun('r1', defaultConfig());
    const val = { step: 10, epoch: 1, loss: 1.9, top1: 0.31, top5: 0.82 };
    applyWorkerEvent({ type: 'valPoint', runId: 'r1', point: val });
    applyWorkerEvent({ type: 'valPoint', runId: 'r1', point: { ...val, step: 20, epoch: 2 } });
    const progress = {
      epoch: 2,
      epochs: 20,
      step: 20,
      totalSteps: 200,
      imagesPerSec: 300,
      etaSec: 60,
    };
    applyWorkerEvent({ type: 'progress', runId: 'r1', ...progress });
    expect(state().valPoints.map((p) => p.step)).toEqual([10, 20]);
    expect(state().run?.progress).toEqual(progress);
  });

  it('ignores late events of an older run', () => {
    state().beginRun('old', defaultConfig());
    state().beginRun('new', defaultConfig());
    applyWorkerEvent({ type: 'trainPoints', runId: 'old', points: [pt(1)] });
    applyWorkerEvent({ type: 'state', runId: 'old', state: 'done' });
    expect(state().trainPoints).toEqual([]);
    expect(state().run?.state).toBe('starting');
  });

  it('a new run clears the previous points', () => {
    state().beginRun('r1', defaultConfig());
    applyWorkerEvent({ type: 'trainPoints', runId: 'r1', points: [pt(1)] });
    applyWorkerEvent({ type: 'state', runId: 'r1', state: 'done' });
    state().beginRun('r2', defaultConfig());
    expect(state().trainPoints).toEqual([]);
    expect(state().valPoints).toEqual([]);
  });

  it('tracks states, with messages for diverged and failed', () => {
    state().beginRun('r1', defaultConfig());
    expect(isActive(state().run)).toBe(true);
    applyWorkerEvent({ type: 'state', runId: 'r1', state: 'paused' });
    expect(isActive(state().run)).toBe(true);
    state().requestStop();
    expect(state().run?.stopRequested).toBe(true);
    applyWorkerEvent({
      type: 'state',
      runId: 'r1',
      state: 'diverged',
      message: 'loss is NaN at step 40 (LR 3.2)',
    });
    expect(state().run).toMatchObject({ state: 'diverged', message: /NaN/ });
    expect(isActive(state().run)).toBe(false);
  });

  it('a worker crash fails the active run but not a finished one', () => {
    state().beginRun('r1', defaultConfig());
    state().failActiveRun('worker crashed');
    expect(state().run).toMatchObject({ state: 'failed', message: 'worker crashed' });
    state().beginRun('r2', defaultConfig());
    applyWorkerEvent({ type: 'state', runId: 'r2', state: 'done' });
    state().failActiveRun('worker crashed');
    expect(state().run?.state).toBe('done');
  });
});

describe('data and config slices', () => {
  it('keeps the latest data report per dataset, and the backend with its fallback reason', () => {
    applyWorkerEvent({ type: 'ready' });
    applyWorkerEvent({
      type: 'data',
      dataset: 'cifar10',
      phase: 'loading',
      loaded: 10_000,
      total: 60_000,
      source: 'network',
    });
    applyWorkerEvent({ type: 'data', dataset: 'cifar100', phase: 'missing', loaded: 0, total: 0 });
    applyWorkerEvent({
      type: 'backend',
      backend: 'webgl',
      requested: 'auto',
      fallbackReason: 'WebGPU unavailable: no adapter',
    });
    const s = state();
    expect(s.workerReady).toBe(true);
    expect(s.datasets.cifar10).toMatchObject({ phase: 'loading', loaded: 10_000, total: 60_000 });
    expect(s.datasets.cifar100?.phase).toBe('missing');
    expect(s.backend).toEqual({
      backend: 'webgl',
      requested: 'auto',
      fallbackReason: 'WebGPU unavailable: no adapter',
    });
    s.forgetWorker();
    expect(state().datasets).toEqual({});
    expect(state().backend).toBeNull();
  });

  it('setField changes one key; resetStore restores defaults and clears everything', () => {
    state().setField('lrMax', 0.05);
    state().loadConfig({ ...state().config, epochs: 3 }, ['epochs: changed']);
    state().beginRun('r1', state().config);
    applyWorkerEvent({ type: 'trainPoints', runId: 'r1', points: [pt(1)] });
    applyWorkerEvent({ type: 'error', message: 'boom' });
    expect(state().config).toMatchObject({ lrMax: 0.05, epochs: 3 });
    resetStore();
    const s = state();
    expect(s.config).toEqual(defaultConfig());
    expect(s.urlNotices).toEqual([]);
    expect(s.run).toBeNull();
    expect(s.trainPoints).toEqual([]);
    expect(s.workerError).toBeNull();
  });
});
