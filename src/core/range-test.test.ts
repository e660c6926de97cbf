import { describe, expect, it } from 'vitest';
import {
  analyzeRange,
  oneCycleBounds,
  primarySuggestion,
  RangeTracker,
  rangeLr,
  rangeSpecErrors,
  steepestIndex,
  valleyIndex,
  type RangeSpec,
  type RangeValSample,
} from './range-test';

describe('rangeLr', () => {
  const lin: RangeSpec = { mode: 'linear', start: 0.01, end: 3, steps: 300 };
  const exp: RangeSpec = { mode: 'exp', start: 1e-7, end: 10, steps: 100 };
  it.each([
    [lin, 0, 0.01],
    [lin, 299, 3],
    [lin, 100, 0.01 + (2.99 * 100) / 299],
    [exp, 0, 1e-7],
    [exp, 99, 10],
    // 8 decades over 99 intervals: i = 33 is a third of the way, at 1e-7 × 10^(8/3).
    [exp, 33, 1e-7 * 10 ** (8 / 3)],
    [exp, 200, 10],
    [exp, -1, 1e-7],
  ])('%o step %i → %f', (spec, i, lr) => {
    expect(rangeLr(i, spec)).toBeCloseTo(lr, 12);
    expect(rangeLr(i, spec) / lr).toBeCloseTo(1, 10);
  });

  it('exponential steps have a constant ratio; linear steps a constant difference', () => {
    const r = [0, 1, 2, 3].map((i) => rangeLr(i, exp));
    expect(r[1]! / r[0]!).toBeCloseTo(r[3]! / r[2]!, 10);
    const l = [0, 1, 2].map((i) => rangeLr(i, lin));
    expect(l[1]! - l[0]!).toBeCloseTo(l[2]! - l[1]!, 12);
  });
});

describe('rangeSpecErrors', () => {
  it.each([
    [{ mode: 'exp', start: 1e-5, end: 10, steps: 100 }, []],
    [{ mode: 'exp', start: 1, end: 0.1, steps: 100 }, ['Range start must be below range end']],
    [{ mode: 'linear', start: 0.1, end: 0.1, steps: 100 }, ['Range start must be below range end']],
    [{ mode: 'linear', start: 0, end: 1, steps: 100 }, ['Range start and end must be positive']],
    [
      { mode: 'exp', start: 1e-3, end: 1, steps: 1 },
      ['The range test needs at least 2 iterations'],
    ],
  ] as [RangeSpec, string[]][])('%o → %o', (spec, errors) => {
    expect(rangeSpecErrors(spec)).toEqual(errors);
  });
});

describe('RangeTracker', () => {
  it('stops at a NaN loss', () => {
    const t = new RangeTracker(0);
    expect(t.push(2).diverged).toBe(false);
    expect(t.push(NaN).diverged).toBe(true);
  });
  it('stops once the smoothed loss exceeds 4× its best so far, not before', () => {
    const t = new RangeTracker(0);
    expect([2, 1, 0.5, 1.9, 2.0, 2.01].map((l) => t.push(l).diverged)).toEqual([
      false,
      false,
      false,
      false,
      false,
      true,
    ]);
  });
});

/**
 * A synthetic range test with known answers (x = log10 LR): flat at 2.3 up to LR 1e-3, a
 * raised-cosine fall that is steepest at LR 1e-2 and bottoms at 0.4 at LR 1e-1, then a quadratic
 * rise that passes 4 × 0.4 between LR 0.9 and 1.
 */
function syntheticLoss(lr: number): number {
  const x = Math.log10(lr);
  if (x <= -3) return 2.3;
  if (x <= -1) return 2.3 - (1.9 * (1 - Math.cos((Math.PI * (x + 3)) / 2))) / 2;
  return 0.4 + 1.3 * (x + 1) ** 2;
}

// 1e-4 → 10 in 101 steps: 20 points a decade, on exact decades.
const SWEEP: RangeSpec = { mode: 'exp', start: 1e-4, end: 10, steps: 101 };
const TRAIN = Array.from({ length: SWEEP.steps }, (_, i) => {
  const lr = rangeLr(i, SWEEP);
  return { lr, loss: syntheticLoss(lr) };
});
const byId = (a: ReturnType<typeof analyzeRange>) =>
  Object.fromEntries(a.suggestions.map((s) => [s.id, s.lr]));

describe('analyzeRange on a curve with known answers', () => {
  it('finds the divergence, steepest descent, minimum ÷ 10 and valley', () => {
    const a = analyzeRange(TRAIN, [], 0);
    expect(a.divergedIndex).toBe(80);
    expect(a.divergedLr).toBeCloseTo(1, 10);
    expect(a.smooth).toHaveLength(80);
    const s = byId(a);
    expect(s.steepest).toBeCloseTo(1e-2, 10);
    expect(s.minimum).toBeCloseTo(1e-1 / 10, 10);
    // No validation points: Smith's bound falls back to the training-loss minimum.
    expect(s.smith).toBeCloseTo(1e-1, 10);
    // The longest fall runs from LR 10^-3.05 to 10^-1 (41 points); fastai's index lands at
    // start + ⌊41/3⌋ + ⌊41/6⌋ = start + 19 points: LR 10^-2.1.
    expect(Math.log10(s.valley!)).toBeCloseTo(-2.1, 10);
    expect(a.suggestions.map((x) => x.id)).toEqual(['smith', 'valley', 'steepest', 'minimum']);
    for (const x of a.suggestions) expect(x.rule.length).toBeGreaterThan(20);
  });

  const val = (points: [number, number, number][]): RangeValSample[] =>
    points.map(([lr, loss, top1]) => ({ lr, loss, top1 }));

  it.each([
    [
      'validation accuracy peaks',
      val([
        [1e-4, 2.3, 0.1],
        [1e-3, 2.2, 0.12],
        [1e-2, 1.8, 0.3],
        [0.03, 1.5, 0.4],
        [0.05, 1.4, 0.45],
        [0.1, 1.3, 0.42],
        [0.3, 2.5, 0.2],
      ]),
      0.05,
    ],
    [
      'accuracy never moves: validation loss minimum',
      val([
        [1e-3, 2.3, 0.1],
        [1e-2, 2.1, 0.1],
        [0.03, 1.9, 0.1],
        [0.1, 2.4, 0.1],
      ]),
      0.03,
    ],
    [
      'points after the divergence are ignored',
      val([
        [1e-2, 2.0, 0.2],
        [0.2, 1.9, 0.3],
        [2, 1.5, 0.5],
      ]),
      0.2,
    ],
  ])('Smith’s maximum bound: %s', (_name, points, expected) => {
    const s = byId(analyzeRange(TRAIN, points, 0));
    expect(s.smith).toBeCloseTo(expected, 10);
  });

  it('with default smoothing the markers stay in order and before the divergence', () => {
    // Smoothing lags by about a decade here: sweep on to LR 100 so the rise passes 4×.
    const long: RangeSpec = { mode: 'exp', start: 1e-4, end: 100, steps: 121 };
    const train = Array.from({ length: long.steps }, (_, i) => {
      const lr = rangeLr(i, long);
      return { lr, loss: syntheticLoss(lr) };
    });
    const a = analyzeRange(train);
    const s = byId(a);
    expect(a.divergedLr).not.toBeNull();
    // Smoothing lags: markers move right of the raw curve's, but keep their order.
    expect(s.steepest!).toBeGreaterThanOrEqual(1e-2);
    expect(s.steepest!).toBeLessThan(1e-1);
    expect(s.valley!).toBeLessThan(s.smith!);
    expect(s.smith!).toBeLessThan(a.divergedLr!);
  });

  it('a flat curve never diverges; too short a curve gives no suggestions', () => {
    const flat = TRAIN.map((p) => ({ ...p, loss: 2.3 }));
    expect(analyzeRange(flat).divergedIndex).toBeNull();
    expect(analyzeRange(TRAIN.slice(0, 3)).suggestions).toEqual([]);
    expect(primarySuggestion([])).toBeNull();
  });
});

describe('helpers', () => {
  it('valleyIndex follows fastai on a plain descending run', () => {
    // 10 falling points from index 0: start clamps to 0, end 9, ⌊9/3⌋ + ⌊9/6⌋ = 4.
    expect(valleyIndex([10, 9, 8, 7, 6, 5, 4, 3, 2, 1, 2, 3])).toBe(4);
    expect(valleyIndex([])).toBe(0);
  });
  it('steepestIndex measures the slope against log LR', () => {
    // Against LR the last drop is steepest; against log LR the drop over 1e-3 → 1e-2 is.
    expect(steepestIndex([1e-3, 2e-3, 1e-2, 0.5, 1], [3, 2.9, 2, 1.5, 1.4])).toBe(1);
    expect(steepestIndex([1e-3, 1e-2, 1e-1, 1, 10], [3, 2, 0.5, 0.4, 0.4])).toBe(1);
  });
  it('1cycle bounds: minimum is the maximum ÷ 10', () => {
    expect(oneCycleBounds(0.8)).toEqual({ lrMin: 0.08, lrMax: 0.8 });
    expect(oneCycleBounds(1, 20).lrMin).toBeCloseTo(0.05, 12);
  });
});
