import { describe, expect, it } from 'vitest';
import type { TrainPoint } from '../../core/run';
import { smoothSeries } from '../../core/smooth';
import {
  extendTrainRows,
  lastAtOrBefore,
  formatLossTick,
  lossAxisTop,
  readableLossTop,
  MAX_DRAWN,
  niceTicks,
  thinAppending,
  thinForDrawing,
  trainRows,
  type DrawnState,
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

describe('extendTrainRows', () => {
  const all = points(
    Array.from({ length: 300 }, (_, i) => 2 + Math.sin(i) + (i === 150 ? NaN : 0)),
  );

  it('gives the same rows as a full pass when the points arrive in pieces', () => {
    let state = extendTrainRows(null, []);
    for (let n = 7; n <= all.length; n += 7) {
      const before = state.rows;
      state = extendTrainRows(state, all.slice(0, n));
      expect(state.rows).not.toBe(before);
    }
    state = extendTrainRows(state, all);
    expect(state.rows).toEqual(trainRows(all));
    expect(state.rows).toHaveLength(299);
  });

  it('starts over when the points are not an extension (a new run, a resume cut)', () => {
    const first = extendTrainRows(null, all);
    const other = points([5, 4, 3]);
    expect(extendTrainRows(first, other).rows).toEqual(trainRows(other));
    const cut = extendTrainRows(extendTrainRows(null, all), all.slice(0, 100));
    expect(cut.rows).toEqual(trainRows(all.slice(0, 100)));
  });

  it('returns the same state for the same array', () => {
    const s = extendTrainRows(null, all);
    expect(extendTrainRows(s, all)).toBe(s);
  });
});

describe('thinAppending', () => {
  const rows = Array.from({ length: 20_000 }, (_, i) => ({ step: i + 1, v: Math.cos(i / 300) }));
  const value = (r: { v: number }) => r.v;

  it('appends new rows after the last selection until one bucket has arrived, then re-thins', () => {
    let s: DrawnState<(typeof rows)[number]> | null = thinAppending(
      null,
      rows.slice(0, 10_000),
      500,
      value,
    );
    expect(s.drawn).toHaveLength(500);
    // One bucket is 10,000 / 500 = 20 rows: up to then the selection is kept and rows appended.
    s = thinAppending(s, rows.slice(0, 10_015), 500, value);
    expect(s.drawn).toHaveLength(515);
    expect(s.drawn.slice(0, 500)).toEqual(thinForDrawing(rows.slice(0, 10_000), 500, value));
    expect(s.drawn.at(-1)?.step).toBe(10_015);
    s = thinAppending(s, rows.slice(0, 10_040), 500, value);
    expect(s.drawn).toEqual(thinForDrawing(rows.slice(0, 10_040), 500, value));
    expect(s.drawn).toHaveLength(500);
  });

  it('draws small series whole, and thins afresh when the rows are not an extension', () => {
    const small = thinAppending(null, rows.slice(0, 100), 500, value);
    expect(small.drawn).toHaveLength(100);
    const grown = thinAppending(small, rows.slice(0, 600), 500, value);
    expect(grown.drawn).toEqual(thinForDrawing(rows.slice(0, 600), 500, value));
    const other = rows.slice(1, 10_002);
    const big = thinAppending(null, rows.slice(0, 10_000), 500, value);
    expect(thinAppending(big, other, 500, value).drawn).toEqual(thinForDrawing(other, 500, value));
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

describe('readableLossTop', () => {
  it('keeps a sane run unclipped', () => {
    const rows = [2.3, 2.0, 1.8].map((loss) => ({ loss, smooth: loss }));
    expect(readableLossTop(rows, [])).toEqual({ top: 3, clippedAt: null });
  });

  it('clips a diverging run near its first loss and reports how high it went', () => {
    const rows = [2.3, 40, 4000, 400_000].map((loss) => ({ loss, smooth: loss }));
    const r = readableLossTop(rows, []);
    expect(r.top).toBeLessThanOrEqual(15);
    expect(r.clippedAt).toBe(400_000);
  });

  it('takes the scale from another curve’s first loss (a diverged overlay alone)', () => {
    expect(readableLossTop([], [{ loss: 400_000 }], [2.3]).top).toBeLessThanOrEqual(15);
  });
});

describe('formatLossTick', () => {
  it.each([
    [0, '0'],
    [2.5, '2.5'],
    [0.30000000000000004, '0.3'],
    [250_000, '2.5e+5'],
  ])('%s → %s', (v, text) => {
    expect(formatLossTick(v)).toBe(text);
  });
});
