import { beforeEach, describe, expect, it } from 'vitest';
import { defaultConfig } from '../../core/config';
import { ACTIVE_STATES, isEndedState, RUN_STATES } from '../../core/run';
import { notLoadedReason } from '../status/start-reasons';
import { applyWorkerEvent, isActive, labStore, resetStore } from './index';

const state = () => labStore.getState();
const curve = (steps: number[]) => ({
  train: steps.map((step) => ({ step, loss: 2, lr: 0.1, momentum: 0.9 })),
  val: steps.map((step) => ({ step, epoch: 1, loss: 2, top1: 0.1, top5: 0.5 })),
});

beforeEach(resetStore);

describe('one run state list', () => {
  it.each(RUN_STATES.map((s) => [s] as const))('%s is active or ended, never both', (s) => {
    expect(isActive({ state: s })).toBe(ACTIVE_STATES.includes(s));
    expect(isEndedState(s)).toBe(!ACTIVE_STATES.includes(s));
  });

  it('a queued entry, an interrupted record and no run are not active', () => {
    expect(isActive({ state: 'queued' })).toBe(false);
    expect(isActive({ state: 'interrupted' })).toBe(false);
    expect(isActive(null)).toBe(false);
  });
});

describe('shared transitions', () => {
  it('Stop and a crash change an active run of either slice, and leave an ended one alone', () => {
    state().beginRun('r1', defaultConfig());
    state().beginRange('g1', defaultConfig(), { mode: 'exp', start: 1e-3, end: 1, steps: 8 });
    state().requestStop();
    state().failActiveRange('crashed');
    expect(state().run?.stopRequested).toBe(true);
    expect(state().rangeRun).toMatchObject({ state: 'failed', message: 'crashed' });

    applyWorkerEvent({ type: 'state', runId: 'r1', state: 'done' });
    let calls = 0;
    const stop = labStore.subscribe(() => calls++);
    state().failActiveRun('late');
    state().requestRangeStop();
    stop();
    expect(calls).toBe(0);
    expect(state().run?.state).toBe('done');
  });

  it('the worker’s state report answers a pending Pause', () => {
    state().beginRun('r1', defaultConfig());
    state().requestPause('pause');
    expect(state().run?.pauseRequested).toBe('pause');
    applyWorkerEvent({ type: 'state', runId: 'r1', state: 'paused' });
    expect(state().run?.pauseRequested).toBeUndefined();
    expect(state().run?.state).toBe('paused');
  });
});

describe('slices change each other only through actions', () => {
  it('a resume shows the saved curve up to the checkpoint; a device loss trims it again', () => {
    state().setCheckpoints([{ runId: 'r1', step: 3 }]);
    state().beginResume('r1', defaultConfig(), curve([1, 2, 3, 4]));
    expect(state().run).toMatchObject({ runId: 'r1', state: 'starting' });
    expect(state().trainPoints.map((p) => p.step)).toEqual([1, 2, 3]);
    state().onResumed({ type: 'resumed', runId: 'r1', step: 2, message: 'lost the device' });
    expect(state().trainPoints.map((p) => p.step)).toEqual([1, 2]);
    expect(state().valPoints.map((p) => p.step)).toEqual([1, 2]);
    expect(state().runNotice?.message).toBe('lost the device');
    // Another run's report changes nothing.
    state().onResumed({ type: 'resumed', runId: 'other', step: 0, message: 'x' });
    expect(state().trainPoints).toHaveLength(2);
  });

  it('patchConfig sets several settings at once and keeps the rest', () => {
    const before = state().config;
    state().patchConfig({ lrMax: 0.5, wd: 1e-4 });
    expect(state().config).toEqual({ ...before, lrMax: 0.5, wd: 1e-4 });
  });
});

describe('not loaded reason', () => {
  it.each([
    ['missing', 'CIFAR-10 is not loaded: load it below first'],
    ['error', 'CIFAR-10 is not loaded: load it below first'],
    ['loading', null],
    ['ready', null],
    [null, null],
  ] as const)('%s → %s', (phase, text) => {
    expect(notLoadedReason(phase, 'CIFAR-10', 'load it below first')).toBe(text);
  });

  it('says it without a hint where the panel has none', () => {
    expect(notLoadedReason('missing', 'the dataset')).toBe('the dataset is not loaded');
  });
});
