import { describe, expect, it } from 'vitest';
import { defaultConfig } from '../../core/config';
import type { TrainPoint, ValPoint } from '../../core/run';
import type { QueueEntry } from '../store';
import { entrySeries, rangeEntrySeries } from './rows';

function entry(over: Partial<QueueEntry> = {}): QueueEntry {
  return {
    label: 'WD 0.001',
    config: defaultConfig(),
    runId: 'r1',
    state: 'done',
    totalSteps: 4,
    stepsPerEpoch: 2,
    train: [],
    val: [],
    clock: [],
    imagesPerSec: 0,
    divergedAt: null,
    ...over,
  };
}

const tp = (step: number, loss: number, lr: number): TrainPoint => ({
  step,
  loss,
  lr,
  momentum: 0.95,
});
const vp = (step: number, loss: number, lr?: number): ValPoint => ({
  step,
  epoch: step / 2,
  loss,
  top1: 0.3,
  top5: 0.8,
  ...(lr === undefined ? {} : { lr }),
});

describe('range-test entries of a Fig. 4a sweep', () => {
  const points = {
    train: [tp(1, 2.3, 0.001), tp(2, NaN, 0.01), tp(3, 2.1, 0.1)],
    val: [vp(1, 2.4, 0.001), vp(2, 2.2), vp(3, NaN, 0.1), vp(4, 2.0, 0.5)],
  };

  it('puts every point at its LR, with the step and momentum for the tooltip', () => {
    const s = rangeEntrySeries(
      entry({ range: { mode: 'exp', start: 1e-3, end: 1, steps: 4 } }),
      points,
    );
    expect(s.label).toBe('WD 0.001');
    // The diverged (NaN) step is left out; the rest keep their LR as x.
    expect(s.train.map((r) => [r.x, r.step, r.momentum])).toEqual([
      [0.001, 1, 0.95],
      [0.1, 3, 0.95],
    ]);
    expect(s.train[0]!.smooth).toBeCloseTo(2.3, 9);
    // Evaluations without an LR or with a non-finite loss are not drawn.
    expect(s.val.map((r) => [r.x, r.loss])).toEqual([
      [0.001, 2.4],
      [0.5, 2.0],
    ]);
  });

  it('a training entry goes on its step axis instead', () => {
    const s = entrySeries(entry(), points, 'steps');
    expect(s.train.map((r) => r.x)).toEqual([1, 3]);
    expect(s.val.map((r) => r.x)).toEqual([1, 2, 4]);
  });
});
