import { describe, expect, it } from 'vitest';
import { EmaSmoother, smoothSeries } from './smooth';

describe('smoothSeries (fastai SmoothenValue: EMA with debias)', () => {
  it.each([
    // The first value comes back unchanged: the debias divides out the zero start.
    { beta: 0.98, values: [2.3], expected: [2.3] },
    // A constant series stays constant at every step (no pull towards the zero start).
    { beta: 0.98, values: [1, 1, 1, 1], expected: [1, 1, 1, 1] },
    // Hand-worked: avg1 = 0.5·4 = 2 → 2/0.5 = 4; avg2 = 0.5·2 + 0.5·2 = 2 → 2/0.75 = 8/3.
    { beta: 0.5, values: [4, 2], expected: [4, 8 / 3] },
    // avg3 = 0.5·2 + 0.5·0 = 1 → 1/0.875 = 8/7.
    { beta: 0.5, values: [4, 2, 0], expected: [4, 8 / 3, 8 / 7] },
    // β = 0 is no smoothing at all.
    { beta: 0, values: [3, 1, 4, 1, 5], expected: [3, 1, 4, 1, 5] },
    // β = 0.9: avg1 = 0.1·10 = 1 → 1/0.1 = 10; avg2 = 0.9 + 0 = 0.9 → 0.9/0.19.
    { beta: 0.9, values: [10, 0], expected: [10, 0.9 / 0.19] },
  ])('β=$beta on $values', ({ beta, values, expected }) => {
    const out = smoothSeries(values, beta);
    expect(out).toHaveLength(expected.length);
    out.forEach((v, i) => expect(v).toBeCloseTo(expected[i] ?? NaN, 12));
  });

  it('damps noise: a ±1 alternation around 2 stays much closer to 2 than the raw values', () => {
    const raw = Array.from({ length: 200 }, (_, i) => 2 + (i % 2 === 0 ? 1 : -1));
    const last = smoothSeries(raw).at(-1) ?? NaN;
    expect(Math.abs(last - 2)).toBeLessThan(0.05);
  });

  it('the incremental smoother matches the whole-series function', () => {
    const values = [2.3, 2.1, 2.2, 1.9, 1.7, 1.8, 1.5];
    const s = new EmaSmoother();
    expect(values.map((v) => s.push(v))).toEqual(smoothSeries(values));
  });

  it('rejects β outside [0, 1)', () => {
    expect(() => new EmaSmoother(1)).toThrow(RangeError);
    expect(() => new EmaSmoother(-0.1)).toThrow(RangeError);
  });
});
