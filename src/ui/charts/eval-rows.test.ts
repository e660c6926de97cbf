import { describe, expect, it } from 'vitest';
import type { TrainPoint, ValPoint } from '../../core/run';
import { evalRows, lossRows } from './eval-rows';
import { trainRows } from './series';

const train: TrainPoint[] = [1, 2, 3, 4, 5, 6].map((step) => ({
  step,
  loss: 3 - step * 0.25,
  lr: step / 10,
  momentum: 0.95 - step / 100,
}));
const val: ValPoint[] = [
  { step: 3, epoch: 1, loss: 2.5, top1: 0.25, top5: 0.75, elapsedSec: 10 },
  { step: 6, epoch: 2, loss: 2.75, top1: 0.5, top5: 0.875, elapsedSec: 25 },
];

describe('evalRows', () => {
  const rows = trainRows(train);
  const out = evalRows(rows, val);

  it('pairs each evaluation with the smoothed training loss and the schedule at its step', () => {
    expect(out.map((r) => r.step)).toEqual([3, 6]);
    expect(out[0]!.train).toBe(rows[2]!.smooth);
    expect(out[1]!.gap).toBeCloseTo(2.75 - rows[5]!.smooth, 12);
    expect(out[0]!.lr).toBeCloseTo(0.3, 12);
    expect(out[1]!.momentum).toBeCloseTo(0.89, 12);
  });

  it('gives accuracy in percent and the time each epoch took', () => {
    expect(out.map((r) => [r.top1, r.top5])).toEqual([
      [25, 75],
      [50, 87.5],
    ]);
    expect(out.map((r) => r.seconds)).toEqual([10, 15]);
  });

  it('leaves time unknown without a timestamp, and skips a non-finite evaluation', () => {
    const { elapsedSec: _e, ...untimed } = val[0]!;
    const r = evalRows(rows, [untimed, { ...val[1]!, loss: NaN }]);
    expect(r).toHaveLength(1);
    expect(r[0]!.seconds).toBeNull();
  });
});

describe('lossRows', () => {
  it('merges each evaluation into the drawn rows at its step, in step order', () => {
    const all = trainRows(train);
    const drawn = [all[0]!, all[5]!];
    const out = lossRows(drawn, all, [{ step: 3, loss: 2.5 }]);
    expect(out.map((r) => r.step)).toEqual([1, 3, 6]);
    expect(out[1]).toMatchObject({ step: 3, val: 2.5, lr: all[2]!.lr, smooth: all[2]!.smooth });
    expect(out[0]!.val).toBeUndefined();
  });
});
