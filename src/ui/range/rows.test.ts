import { describe, expect, it } from 'vitest';
import { formatLr, logTicks, markerLabelSide, rangeRows, rangeValRows } from './rows';

describe('range chart rows', () => {
  it.each([
    [1e-5, 10, [1e-5, 1e-4, 1e-3, 0.01, 0.1, 1, 10]],
    [0.001, 1, [0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1]],
    [0.1, 3, [0.1, 0.2, 0.3, 0.5, 1, 2, 3]],
    [1, 1, []],
  ])('logTicks(%f, %f)', (lo, hi, ticks) => {
    expect(logTicks(lo, hi)).toEqual(ticks);
  });

  it.each([
    [1e-5, '1e-5'],
    [2.5e-5, '2.5e-5'],
    [0.003, '0.003'],
    [0.1234, '0.123'],
    [10, '10'],
  ])('formatLr(%f) = %s', (lr, text) => {
    expect(formatLr(lr)).toBe(text);
  });

  it('drops non-finite losses and validation points without an LR', () => {
    const rows = rangeRows([
      { step: 1, loss: 2, lr: 0.01, momentum: 0.9 },
      { step: 2, loss: NaN, lr: 0.02, momentum: 0.9 },
    ]);
    expect(rows).toEqual([{ step: 1, lr: 0.01, momentum: 0.9, loss: 2, smooth: 2 }]);
    expect(
      rangeValRows([
        { step: 4, epoch: 1, loss: 2, top1: 0.25, top5: 0.5, lr: 0.1 },
        { step: 8, epoch: 2, loss: 2, top1: 0.25, top5: 0.5 },
      ]),
    ).toEqual([{ step: 4, epoch: 1, lr: 0.1, valLoss: 2, accuracy: 25 }]);
  });
});

describe('suggestion marker labels', () => {
  it.each([
    // lr, sweep lo, hi → side of the line the label is written on
    [0.001, 0.001, 1, 'insideTopLeft'], // min ÷ 10 at the sweep's start: right of the axis
    [0.02, 0.001, 1, 'insideTopLeft'],
    [0.05, 0.001, 1, 'insideTopRight'], // past the log middle (≈ 0.032)
    [0.9, 0.001, 1, 'insideTopRight'], // near the end: left of the line, off the right axis
    [0.6, 0.1, 3, 'insideTopRight'], // the log middle is √0.3 ≈ 0.55
  ] as const)('LR %f in [%f, %f] → %s', (lr, lo, hi, side) => {
    expect(markerLabelSide(lr, lo, hi)).toBe(side);
  });
});
