import { beforeEach, describe, expect, it } from 'vitest';
import type { SpeedSample } from '../../core/estimate';
import { applyWorkerEvent, labStore, resetStore } from './index';

const state = () => labStore.getState();

const sample: SpeedSample = {
  model: 'shallow3',
  backend: 'webgpu',
  device: '',
  batch: 16,
  secondsPerStep: 4,
  evalSecondsPerImage: 0.05,
  warmupSeconds: 30,
  measuredAt: 0,
};

describe('speed slice', () => {
  beforeEach(resetStore);

  it('files the answer under the key being measured', () => {
    state().setMeasuring('shallow3/auto/16');
    applyWorkerEvent({ type: 'speed', model: 'shallow3', sample });
    expect(state().speeds['shallow3/auto/16']).toEqual(sample);
    expect(state().measuring).toBeNull();
  });

  it('ignores an answer for another model (a cancelled measurement)', () => {
    state().setMeasuring('resnet20/auto/16');
    applyWorkerEvent({ type: 'speed', model: 'shallow3', sample });
    expect(state().speeds).toEqual({});
    expect(state().measuring).toBe('resnet20/auto/16');
  });

  it('says why there is no figure', () => {
    state().setMeasuring('shallow3/auto/16');
    applyWorkerEvent({ type: 'speed', model: 'shallow3', sample: null, error: 'no backend' });
    expect(state().speedError).toContain('no backend');
  });
});

describe('model change and data status', () => {
  beforeEach(resetStore);

  it('a new model brings its LR bounds, except the pinned ones', () => {
    state().setPinned(['lrMax']);
    state().setField('model', 'shallow3');
    expect(state().config).toMatchObject({ lrMin: 0.005, lrMax: 0.8, wd: 5e-4 });
    expect(state().modelNote).toContain('shallow3');
  });

  it('a ready dataset stays ready while a run streams in more shards', () => {
    const data = { type: 'data', dataset: 'cifar10', total: 60_000, source: 'network' } as const;
    applyWorkerEvent({ ...data, phase: 'ready', loaded: 10_000 });
    applyWorkerEvent({ ...data, phase: 'loading', loaded: 15_000 });
    expect(state().datasets.cifar10).toMatchObject({ phase: 'ready', loaded: 15_000 });
    // A picked tarball is a new load: its progress shows.
    applyWorkerEvent({ ...data, phase: 'loading', loaded: 0, source: 'file' });
    expect(state().datasets.cifar10?.phase).toBe('loading');
  });
});

describe('an early upper bound', () => {
  beforeEach(resetStore);

  it('is shown while the measurement goes on, then replaced', () => {
    state().setMeasuring('shallow3/auto/16');
    applyWorkerEvent({
      type: 'speed',
      model: 'shallow3',
      sample: { ...sample, provisional: true },
    });
    expect(state().speeds['shallow3/auto/16']?.provisional).toBe(true);
    expect(state().measuring).toBe('shallow3/auto/16');
    applyWorkerEvent({ type: 'speed', model: 'shallow3', sample });
    expect(state().speeds['shallow3/auto/16']).toEqual(sample);
    expect(state().measuring).toBeNull();
  });
});
