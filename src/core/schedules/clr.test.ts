import { describe, expect, it } from 'vitest';
import { cyclicLr, type ClrSpec } from './clr';

// PyTorch CyclicLR(base_lr=0.1, max_lr=1, step_size_up=4, base_momentum=0.8, max_momentum=0.9).
// cycle = floor(1 + i/8), x = 1 + i/8 − cycle, h = 2x (x ≤ ½) else 2(1 − x);
// lr = 0.1 + 0.9·h·scale, momentum = 0.9 − 0.1·h·scale.
const base = {
  kind: 'clr',
  baseLr: 0.1,
  maxLr: 1,
  stepSize: 4,
  gamma: 1,
  momentum: { kind: 'cyclic', max: 0.9, min: 0.8 },
} as const;
const spec = (mode: ClrSpec['mode'], gamma = 1): ClrSpec => ({ ...base, mode, gamma });

describe('cyclical LR, triangular (scale 1)', () => {
  it.each([
    [0, 0.1, 0.9], // h = 0
    [1, 0.325, 0.875], // h = ¼: 0.1 + 0.9/4
    [2, 0.55, 0.85], // h = ½
    [3, 0.775, 0.825], // h = ¾
    [4, 1, 0.8], // h = 1: the peak, momentum at its minimum
    [5, 0.775, 0.825],
    [6, 0.55, 0.85],
    [7, 0.325, 0.875],
    [8, 0.1, 0.9], // cycle 2 starts
    [12, 1, 0.8], // every cycle reaches max_lr
  ])('iteration %i → lr %f, momentum %f', (i, lr, mom) => {
    const v = cyclicLr(i, spec('triangular'));
    expect(v.lr).toBeCloseTo(lr, 12);
    expect(v.momentum).toBeCloseTo(mom, 12);
  });
});

describe('cyclical LR, triangular2 (scale 1/2^(cycle−1))', () => {
  it.each([
    [4, 1, 0.8], // cycle 1, scale 1
    [10, 0.325, 0.875], // cycle 2, h = ½, scale ½: 0.1 + 0.9·¼
    [12, 0.55, 0.85], // cycle 2 peak: 0.1 + 0.9·½
    [20, 0.325, 0.875], // cycle 3 peak: 0.1 + 0.9·¼
  ])('iteration %i → lr %f, momentum %f', (i, lr, mom) => {
    const v = cyclicLr(i, spec('triangular2'));
    expect(v.lr).toBeCloseTo(lr, 12);
    expect(v.momentum).toBeCloseTo(mom, 12);
  });
});

describe('cyclical LR, exp_range with gamma 0.9 (scale 0.9^i on the global iteration)', () => {
  it.each([
    [0, 0.1, 0.9],
    [1, 0.3025, 0.8775], // 0.1 + 0.9·¼·0.9
    [2, 0.4645, 0.8595], // 0.1 + 0.9·½·0.81
    [4, 0.69049, 0.83439], // 0.1 + 0.9·0.9⁴ = 0.1 + 0.9·0.6561
    [6, 0.33914845, 0.87342795], // 0.1 + 0.9·½·0.531441
    [12, 0.3541865828329, 0.8717570463519], // 0.1 + 0.9·0.9¹²
  ])('iteration %i → lr %f, momentum %f', (i, lr, mom) => {
    const v = cyclicLr(i, spec('exp_range', 0.9));
    expect(v.lr).toBeCloseTo(lr, 12);
    expect(v.momentum).toBeCloseTo(mom, 12);
  });
});

describe('cyclical LR momentum', () => {
  it('holds a constant momentum when asked', () => {
    const s = { ...spec('triangular'), momentum: { kind: 'constant', value: 0.9 } } as const;
    for (let i = 0; i < 16; i++) expect(cyclicLr(i, s).momentum).toBe(0.9);
  });

  it('moves opposite to the LR within every cycle, in every mode', () => {
    for (const s of [spec('triangular'), spec('triangular2'), spec('exp_range', 0.95)]) {
      for (let i = 1; i < 24; i++) {
        const dLr = cyclicLr(i, s).lr - cyclicLr(i - 1, s).lr;
        const dMom = cyclicLr(i, s).momentum - cyclicLr(i - 1, s).momentum;
        expect(Math.sign(dMom)).toBe(-Math.sign(dLr));
      }
    }
  });
});
