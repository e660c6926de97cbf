import { describe, expect, it } from 'vitest';
import { lttb } from './lttb';
import { Rng } from './rng';

type P = { x: number; y: number };
const X = (p: P) => p.x;
const Y = (p: P) => p.y;
const series = (n: number, f: (i: number) => number): P[] =>
  Array.from({ length: n }, (_, i) => ({ x: i, y: f(i) }));

describe('lttb', () => {
  it.each([
    [10, 20],
    [10, 10],
    [10, 2],
    [0, 5],
  ])('returns a copy when %i rows fit in a threshold of %i (or it is < 3)', (n, t) => {
    const rows = series(n, (i) => i * i);
    const out = lttb(rows, t, X, Y);
    expect(out).toEqual(rows);
    expect(out).not.toBe(rows);
  });

  it.each([
    [10_000, 500],
    [1001, 3],
    [50, 49],
  ])('keeps exactly the threshold of %i rows → %i, first and last, in order', (n, t) => {
    const rng = new Rng(3);
    const rows = series(n, (i) => Math.sin(i / 50) + rng.next());
    const out = lttb(rows, t, X, Y);
    expect(out).toHaveLength(t);
    expect(out[0]).toBe(rows[0]);
    expect(out.at(-1)).toBe(rows.at(-1));
    for (let i = 1; i < out.length; i++) expect(out[i]!.x).toBeGreaterThan(out[i - 1]!.x);
    // Same objects, so the chart can still read every field of a kept row.
    expect(out.every((p) => rows[p.x] === p)).toBe(true);
  });

  it('keeps a one-point spike and a one-point dip that min/max-free thinning would lose', () => {
    const rows = series(5000, () => 1);
    rows[1234]!.y = 9;
    rows[3777]!.y = -4;
    const out = lttb(rows, 100, X, Y);
    expect(out.map((p) => p.x)).toContain(1234);
    expect(out.map((p) => p.x)).toContain(3777);
  });

  it('follows the shape: a downsampled line stays within the range of its bucket', () => {
    const rows = series(2000, (i) => Math.exp(-i / 400));
    const out = lttb(rows, 50, X, Y);
    for (const p of out) expect(p.y).toBeCloseTo(Math.exp(-p.x / 400), 12);
    // Roughly even spacing in x: no bucket is skipped.
    const gaps = out.slice(1).map((p, i) => p.x - out[i]!.x);
    expect(Math.max(...gaps)).toBeLessThan(2 * (2000 / 48) + 1);
  });
});
