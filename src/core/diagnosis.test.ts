import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  diagnose,
  smoothedTrainAt,
  type CurvePoint,
  type Region,
  type RegionKind,
} from './diagnosis';
import { Rng } from './rng';

/** Synthetic run: 2000 iterations, a validation point every 100, seeded minibatch noise. */
function run(
  trainLoss: (x: number) => number,
  valLoss: (x: number) => number,
  seed: number,
  { trainNoise = 0.08, valNoise = 0.01, steps = 2000, every = 100 } = {},
): { train: CurvePoint[]; val: CurvePoint[] } {
  const rng = new Rng(seed);
  const train: CurvePoint[] = [];
  const val: CurvePoint[] = [];
  for (let x = 1; x <= steps; x++) {
    // Minibatch noise proportional to the loss, as cross-entropy noise is.
    train.push({ x, loss: Math.max(1e-4, trainLoss(x) * (1 + trainNoise * rng.normal())) });
    if (x % every === 0) val.push({ x, loss: valLoss(x) * (1 + valNoise * rng.normal()) });
  }
  return { train, val };
}

const decay = (start: number, end: number, scale: number) => (x: number) =>
  end + (start - end) * Math.exp(-x / scale);
/** Falls to a minimum at x0, then climbs (the overfitting bump). */
const bump = (x0: number, min: number, slope: number) => (x: number) =>
  x < x0 ? min + ((x0 - x) / x0) ** 2 * 1.5 : min + slope * (x - x0);
/** A smooth curve with a spike (a too-large LR) between a and b. */
const spiky = (base: (x: number) => number, a: number, b: number, factor: number) => (x: number) =>
  x >= a && x <= b
    ? base(x) * (1 + (factor - 1) * Math.sin((Math.PI * (x - a)) / (b - a)))
    : base(x);

const kinds = (rs: Region[]) => rs.map((r) => r.kind);
const only = (rs: Region[], k: RegionKind) => rs.filter((r) => r.kind === k);

describe('diagnose on synthetic runs with known regions', () => {
  it.each([1, 2, 3, 4, 5])(
    'finds the overfitting bump after the validation minimum (seed %i)',
    (seed) => {
      const { train, val } = run(decay(2.3, 0.05, 400), bump(800, 0.9, 0.0004), seed);
      const regions = diagnose(train, val);
      const over = only(regions, 'overfitting');
      expect(over).toHaveLength(1);
      // Starts near the true minimum (x = 800) and runs to the end of the rising curve.
      expect(over[0]!.from).toBeGreaterThanOrEqual(600);
      expect(over[0]!.from).toBeLessThanOrEqual(1100);
      expect(over[0]!.to).toBeGreaterThanOrEqual(1900);
      expect(kinds(regions)).not.toContain('instability');
      expect(kinds(regions)).not.toContain('underfitting');
      expect(over[0]!.suggestion).toMatch(/weight decay/);
      expect(over[0]!.suggestion).toMatch(/fewer epochs/);
    },
  );

  it.each([1, 2, 3])(
    'calls a spike in both curves instability, not overfitting (seed %i)',
    (seed) => {
      const base = decay(2.3, 0.6, 500);
      const { train, val } = run(
        spiky(base, 900, 1300, 2.2),
        spiky(decay(2.3, 0.9, 500), 900, 1300, 2),
        seed,
      );
      const regions = diagnose(train, val);
      const unstable = only(regions, 'instability');
      expect(unstable).toHaveLength(1);
      expect(unstable[0]!.from).toBeLessThanOrEqual(1000);
      expect(unstable[0]!.to).toBeGreaterThanOrEqual(1100);
      expect(unstable[0]!.to).toBeLessThanOrEqual(1500);
      expect(kinds(regions)).not.toContain('overfitting');
      expect(unstable[0]!.explanation).toMatch(/not overfitting/);
      expect(unstable[0]!.suggestion).toMatch(/Lower LR max/);
    },
  );

  it.each([1, 2, 3])(
    'labels a validation loss still falling at the end as underfitting (seed %i)',
    (seed) => {
      const { train, val } = run(decay(2.3, 0.3, 3000), decay(2.3, 0.4, 2500), seed);
      const regions = diagnose(train, val);
      expect(kinds(regions)).toEqual(['underfitting']);
      expect(regions[0]!.to).toBe(2000);
      expect(regions[0]!.from).toBeLessThanOrEqual(1500);
      expect(regions[0]!.suggestion).toMatch(/Train longer/);
    },
  );

  it.each([1, 2, 3])(
    'finds the horizontal plateau and no underfitting once it is flat (seed %i)',
    (seed) => {
      const { train, val } = run(decay(2.3, 0.5, 300), decay(2.3, 0.8, 150), seed);
      const regions = diagnose(train, val);
      const flat = only(regions, 'plateau');
      expect(flat).toHaveLength(1);
      expect(flat[0]!.from).toBeLessThanOrEqual(1000);
      expect(flat[0]!.to).toBe(2000);
      expect(kinds(regions)).not.toContain('underfitting');
      expect(kinds(regions)).not.toContain('overfitting');
    },
  );

  it.each([1, 2, 3, 4, 5, 6, 7, 8])(
    'reads noise around a flat curve as no bump (seed %i)',
    (seed) => {
      const { train, val } = run(
        () => 1,
        () => 1,
        seed,
        { valNoise: 0.02, trainNoise: 0.3 },
      );
      const regions = diagnose(train, val);
      expect(kinds(regions)).not.toContain('overfitting');
      expect(kinds(regions)).not.toContain('instability');
      expect(kinds(regions)).not.toContain('underfitting');
    },
  );

  it('needs a minimum number of points: a single high validation point is no region', () => {
    const { train, val } = run(decay(2.3, 0.5, 300), decay(2.3, 0.8, 150), 9);
    val[12] = { x: val[12]!.x, loss: val[12]!.loss * 1.3 };
    expect(kinds(diagnose(train, val))).not.toContain('overfitting');
  });

  it('works live: nothing before the bump, overfitting once the rise is clear', () => {
    const { train, val } = run(decay(2.3, 0.05, 400), bump(800, 0.9, 0.0004), 3);
    const upTo = (x: number) =>
      diagnose(
        train.filter((p) => p.x <= x),
        val.filter((p) => p.x <= x),
      );
    expect(kinds(upTo(800))).not.toContain('overfitting');
    expect(kinds(upTo(2000))).toContain('overfitting');
    // Too few points for any region at the start.
    expect(upTo(200)).toEqual([]);
  });

  it('works on a range test: x is the learning rate, log-spaced', () => {
    const rng = new Rng(4);
    const train: CurvePoint[] = [];
    for (let i = 0; i < 200; i++) {
      const lr = 1e-4 * 10 ** (i / 40); // 1e-4 … 1e1
      const l10 = Math.log10(lr);
      // Flat while the LR is too small, falls, then explodes past LR 1.
      const loss = l10 < -3 ? 2.3 : l10 < 0 ? 2.3 - 0.5 * (l10 + 3) : 0.8 * 10 ** (2 * l10) + 0.0;
      train.push({ x: lr, loss: Math.max(0.05, loss) * (1 + 0.05 * rng.normal()) });
    }
    const regions = diagnose(train, [], { axis: 'lr' });
    expect(kinds(regions)).toEqual(['instability']);
    expect(regions[0]!.from).toBeGreaterThan(0.3);
    expect(regions[0]!.from).toBeLessThan(3);
    expect(regions[0]!.explanation).toMatch(/learning rate grows/);
    expect(regions[0]!.suggestion).toMatch(/below where this region starts/);
  });

  it('ignores non-finite losses rather than failing', () => {
    const { train, val } = run(decay(2.3, 0.05, 400), bump(800, 0.9, 0.0004), 1);
    train[500] = { x: train[500]!.x, loss: NaN };
    val[3] = { x: val[3]!.x, loss: Infinity };
    expect(kinds(diagnose(train, val))).toContain('overfitting');
  });
});

describe('smoothedTrainAt', () => {
  it('is the debiased EMA of the losses up to each x', () => {
    const train = [1, 2, 3, 4].map((loss, i) => ({ x: i + 1, loss }));
    const at = smoothedTrainAt(train, [0, 1, 2.5, 4], 0.5);
    expect(at[0]).toBeNaN();
    expect(at[1]).toBeCloseTo(1, 12);
    // (0.5·0.5·1 + 0.5·2) / (1 − 0.25) = 1.25 / 0.75
    expect(at[2]).toBeCloseTo(1.25 / 0.75, 12);
    expect(at[3]).toBeGreaterThan(at[2]!);
  });
});

/** Recorded from a real run by scripts/record-run.ts (see the fixture's config). */
interface Recorded {
  config: Record<string, unknown>;
  train: [number, number, number][];
  val: [number, number, number][];
}

describe('diagnose on a recorded real run', () => {
  const rec = JSON.parse(
    readFileSync(new URL('./fixtures/overfit-shallow3.json', import.meta.url), 'utf8'),
  ) as Recorded;
  const train = rec.train.map(([x, loss]) => ({ x, loss }));
  const val = rec.val.map(([x, loss]) => ({ x, loss }));

  it('is a run that overfits: training loss far below a validation loss that climbs', () => {
    expect(rec.config).toMatchObject({ model: 'shallow3', wd: 0, augment: 'off' });
    const minVal = Math.min(...val.map((p) => p.loss));
    expect(val.at(-1)!.loss).toBeGreaterThan(minVal * 1.1);
    expect(train.at(-1)!.loss).toBeLessThan(minVal);
  });

  it('finds the overfitting region after the validation minimum and no instability', () => {
    const regions = diagnose(train, val);
    const over = only(regions, 'overfitting');
    expect(over.length).toBeGreaterThanOrEqual(1);
    const argmin = val.reduce((b, p) => (p.loss < b.loss ? p : b));
    expect(over[0]!.from).toBeLessThanOrEqual(argmin.x + 1e-9);
    expect(over.at(-1)!.to).toBeGreaterThan(argmin.x);
    expect(kinds(regions)).not.toContain('instability');
  });

  it('before the bump the same run is not called overfitting', () => {
    const firstVal = val.slice(0, 3);
    const regions = diagnose(
      train.filter((p) => p.x <= firstVal.at(-1)!.x),
      firstVal,
    );
    expect(kinds(regions)).not.toContain('overfitting');
  });
});

describe('an early training spike before a long overfitting bump', () => {
  it('labels the bump overfitting, not instability (seen in a real 32-image shallow3 run)', () => {
    // Raw train losses: a blow-up at steps 2–3, then a steady fall; validation per epoch as the
    // lab's epoch table showed for that run in Chromium (2 steps per epoch).
    const rawTrain = [2.31, 16, 12, 9, 6, 4, 3, 2.9, 2.7, 2.6, 2.5, 2.4, 2.3, 2.2, 2.1, 2.0];
    const tail = [1.9, 1.8, 1.7, 1.6, 1.5, 1.4, 1.3, 1.25];
    const train = [...rawTrain, ...tail].map((loss, i) => ({ x: i + 1, loss }));
    const valLosses = [2.97, 2.31, 2.3, 2.41, 2.62, 2.86, 3.07, 3.38, 4.61, 5.0, 4.81, 6.16];
    const val = valLosses.map((loss, i) => ({ x: 2 * (i + 1), loss }));
    const regions = diagnose(train, val);
    const over = regions.filter((r) => r.kind === 'overfitting');
    expect(over).toHaveLength(1);
    expect(over[0]!.from).toBeLessThanOrEqual(8);
    // The newest point counts once a later one confirms it, so the bump ends at or before 22.
    expect(over[0]!.to).toBeGreaterThanOrEqual(20);
  });
});

describe('a training spike that only touches the start of a validation bump', () => {
  // 40 iterations: the training loss spikes at 11–13 and then falls steadily; validation (every
  // 2 iterations) bottoms out at 12 and climbs to the end. The spike overlaps the bump's first
  // iterations only, so the bump is overfitting and the spike alone is instability.
  const rawTrain = Array.from({ length: 40 }, (_, i) => {
    const x = i + 1;
    if (x >= 11 && x <= 13) return 6;
    return x < 11 ? 2.3 - 0.03 * x : 2.0 - 0.04 * (x - 13);
  });
  const train = rawTrain.map((loss, i) => ({ x: i + 1, loss }));
  const val = Array.from({ length: 20 }, (_, i) => {
    const x = 2 * (i + 1);
    return { x, loss: x <= 12 ? 2.5 - 0.15 * (x / 2 - 1) : 1.75 + 0.1 * ((x - 12) / 2) };
  });

  it('labels the long bump overfitting and the spike instability, apart', () => {
    const regions = diagnose(train, val);
    const over = only(regions, 'overfitting');
    expect(over).toHaveLength(1);
    expect(over[0]!.from).toBe(12);
    expect(over[0]!.to).toBe(40);
    const unstable = only(regions, 'instability');
    expect(unstable).toHaveLength(1);
    expect(unstable[0]!.from).toBeLessThanOrEqual(11);
    expect(unstable[0]!.to).toBeLessThan(20);
  });

  it('still calls it instability when the spike spans most of the bump', () => {
    // The same bump with training loss that stays high from 11 to 34: both rise together.
    const long = rawTrain.map((loss, i) => ({
      x: i + 1,
      loss: i + 1 >= 11 && i + 1 <= 34 ? 6 : loss,
    }));
    const kindsFound = kinds(diagnose(long, val));
    expect(kindsFound).toContain('instability');
    expect(kindsFound).not.toContain('overfitting');
  });
});
