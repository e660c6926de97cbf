import { beforeEach, describe, expect, it } from 'vitest';
import { defaultConfig } from '../../core/config';
import { applyWorkerEvent, isActive, labStore, resetStore } from './index';

const spec = { mode: 'exp' as const, start: 1e-3, end: 1, steps: 16 };

describe('range slice', () => {
  beforeEach(resetStore);

  it('routes the range test’s events to its own slice, never to the training chart', () => {
    labStore.getState().beginRange('r1', defaultConfig(), spec);
    applyWorkerEvent({ type: 'state', runId: 'r1', state: 'running' });
    applyWorkerEvent({
      type: 'trainPoints',
      runId: 'r1',
      points: [{ step: 1, loss: 2.3, lr: 1e-3, momentum: 0.95 }],
    });
    applyWorkerEvent({
      type: 'valPoint',
      runId: 'r1',
      point: { step: 1, epoch: 0.1, loss: 2.3, top1: 0.1, top5: 0.5, lr: 1e-3 },
    });
    expect(isActive(labStore.getState().rangeRun)).toBe(true);
    applyWorkerEvent({ type: 'rangeResult', runId: 'r1', divergedAt: 0.5, divergedStep: 12 });
    applyWorkerEvent({ type: 'state', runId: 'r1', state: 'done' });
    const s = labStore.getState();
    expect(s.rangeTrain).toHaveLength(1);
    expect(s.rangeVal).toHaveLength(1);
    expect(s.rangeRun).toMatchObject({ state: 'done', divergedAt: 0.5, divergedStep: 12 });
    expect(isActive(s.rangeRun)).toBe(false);
    expect(s.trainPoints).toEqual([]);
    expect(s.valPoints).toEqual([]);
  });

  it('drops late events of an older range test', () => {
    labStore.getState().beginRange('old', defaultConfig(), spec);
    labStore.getState().beginRange('new', defaultConfig(), spec);
    applyWorkerEvent({
      type: 'trainPoints',
      runId: 'old',
      points: [{ step: 1, loss: 2.3, lr: 1e-3, momentum: 0.95 }],
    });
    expect(labStore.getState().rangeTrain).toEqual([]);
  });
});
