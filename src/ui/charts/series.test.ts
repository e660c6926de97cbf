import { describe, expect, it } from 'vitest';
import type { TrainPoint } from '../../core/run';
import { smoothSeries } from '../../core/smooth';
import {
  lastAtOrBefore,
  lossAxisTop,
  MAX_DRAWN,
  niceTicks,
  thinForDrawing,
  trainRows,
} from './series';

const points = (losses: number[]): TrainPoint[] =>
  losses.map((loss, i) => ({ step: i + 1, loss, lr: 0.1, momentum: 0.9 }));

describe('trainRows', () => {
  it('pairs each raw loss with its debiased EMA and skips non-finite losses', () => {
    const rows = trainRows(points([2.3, 2.2, NaN, 2.0, Infinity]));
    expect(rows.map((r) => r.step)).toEqual([1, 2, 4]);
    expect(rows.map((r) => r.smooth)).toEqual(smoothSeries([2.3, 2.2, 2.0]));
  });
});

describe('thinForDrawing', () => {
  const series = Array.from({ length: 10_000 }, (_, i) => ({
    step: i + 1,
    v: Math.sin(i / 50) + (i === 4321 ? 9 : 0) - (i === 777 ? 9 : 0),
  }));

  it('returns small inputs whole', () => {
    expect(thinForDrawing(series.slice(0, 100), MAX_DRAWN, (r) => r.v)).toHaveLength(100);
  });

  it('thins to the budget, in order, keeping ends and spikes; the input is untouched', () => {
    const out = thinForDrawing(series, MAX_DRAWN, (r) => r.v);
    expect(out).toHaveLength(MAX_DRAWN);
    expect(out[0]?.step).toBe(1);
    expect(out.at(-1)?.step).toBe(10_000);
    const idx = out.map((r) => r.step);
    expect(idx).toEqual([...idx].sort((a, b) => a - b));
    expect(new Set(idx).size).toBe(idx.length);
    expect(idx).toContain(4322);
    expect(idx).toContain(778);
    expect(series).toHaveLength(10_000);
  });
});

describe('lastAtOrBefore', () => {
  const rows = [2, 4, 6, 8].map((step) => ({ step }));
  it.each([
    [1, -1],
    [2, 0],
    [5, 1],
    [8, 3],
    [100, 3],
  ])('step %i → index %i', (step, index) => expect(lastAtOrBefore(rows, step)).toBe(index));
  it('is -1 on no rows', () => expect(lastAtOrBefore([], 3)).toBe(-1));
});

describe('lossAxisTop', () => {
  it('leaves headroom above the smoothed curve and validation loss, at a round value', () => {
    const rows = trainRows(points(Array.from({ length: 50 }, () => 2.3)));
    expect(lossAxisTop(rows, [])).toBe(3); // 2.3 × 1.15 = 2.645 → 3
    expect(lossAxisTop(rows, [{ loss: 4.1 }])).toBe(5);
    expect(lossAxisTop([], [])).toBe(1);
  });
});

describe('niceTicks', () => {
  it.each([
    [1248, [0, 250, 500, 750, 1000]],
    [3, [0, 1, 2, 3]],
    [2.5, [0, 0.5, 1, 1.5, 2, 2.5]],
    [8, [0, 2, 4, 6, 8]],
    [0, [0]],
  ])('niceTicks(%s)', (top, ticks) => expect(niceTicks(top)).toEqual(ticks));
});
