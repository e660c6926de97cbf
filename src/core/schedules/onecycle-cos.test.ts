import { describe, expect, it } from 'vitest';
import { cosAnneal, oneCycleCos, type OneCycleCosSpec } from './onecycle-cos';

const cyclic = { kind: 'cyclic', max: 0.95, min: 0.85 } as const;

// PyTorch OneCycleLR(max_lr=1, total_steps=10, pct_start=0.3, div_factor=25, final_div_factor=1e4):
// initial = 1/25 = 0.04, min = 0.04/1e4 = 4e-6. Phase ends at pct·T − 1 = 2 and T − 1 = 9;
// cos(a, b, p) = b + (a − b)(1 + cos πp)/2. Momentum 0.95 → 0.85 → 0.95.
const torch: OneCycleCosSpec = {
  kind: 'onecycle-cos',
  convention: 'pytorch',
  maxLr: 1,
  divFactor: 25,
  finalDiv: 1e4,
  pctStart: 0.3,
  momentum: cyclic,
};

describe('cosine 1cycle, PyTorch OneCycleLR', () => {
  it.each([
    [0, 0.04, 0.95], // p = 0: initial LR, max momentum
    [1, 0.52, 0.9], // p = ½: 1 + (0.04 − 1)/2 = 0.52
    [2, 1, 0.85], // p = 1: the peak, min momentum
    [3, 0.9504846320134737, 0.854951556604879], // phase 2, p = 1/7: 4e-6 + 0.999996·(1 + cos π/7)/2
    [6, 0.38874197806371075, 0.9111260466978157], // p = 4/7
    [9, 4e-6, 0.95], // p = 1: the final LR
  ])('step %i → lr %f, momentum %f', (i, lr, mom) => {
    const v = oneCycleCos(i, torch, 10);
    expect(v.lr).toBeCloseTo(lr, 12);
    expect(v.momentum).toBeCloseTo(mom, 12);
  });

  // three_phase=True: ends at 2, 2·pct·T − 2 = 4 and 9; phase 3 anneals 0.04 → 4e-6 at momentum 0.95.
  it.each([
    [2, 1, 0.85],
    [3, 0.52, 0.9], // phase 2, p = ½: mirror image of step 1
    [4, 0.04, 0.95],
    [5, 0.0361807218535102, 0.95], // phase 3, p = 1/5: 4e-6 + 0.039996·(1 + cos 36°)/2
    [7, 0.013822278146489805, 0.95], // p = 3/5
    [9, 4e-6, 0.95],
  ])('three phases: step %i → lr %f, momentum %f', (i, lr, mom) => {
    const v = oneCycleCos(i, { ...torch, threePhase: true }, 10);
    expect(v.lr).toBeCloseTo(lr, 12);
    expect(v.momentum).toBeCloseTo(mom, 12);
  });

  it('clamps steps outside the run to its ends', () => {
    expect(oneCycleCos(-3, torch, 10)).toEqual(oneCycleCos(0, torch, 10));
    expect(oneCycleCos(50, torch, 10)).toEqual(oneCycleCos(9, torch, 10));
  });

  it('stays finite when the rising phase is shorter than one step', () => {
    for (let i = 0; i < 2; i++) {
      const v = oneCycleCos(i, { ...torch, pctStart: 0.05 }, 2);
      expect(Number.isFinite(v.lr) && Number.isFinite(v.momentum)).toBe(true);
    }
    expect(oneCycleCos(1, { ...torch, pctStart: 0.05 }, 2).lr).toBeCloseTo(4e-6, 12);
  });
});

// fastai fit_one_cycle(1 epoch of 10 batches, lr_max=1): div=25, div_final=1e5, pct_start=0.25,
// moms=(0.95, 0.85, 0.95). Batch i is at pos = i/10; phase 1 for pos < 0.25 at p = pos/0.25,
// phase 2 at p = (pos − 0.25)/0.75, annealing 1 → 1/1e5 = 1e-5.
const fastai: OneCycleCosSpec = {
  kind: 'onecycle-cos',
  convention: 'fastai',
  maxLr: 1,
  divFactor: 25,
  finalDiv: 1e5,
  pctStart: 0.25,
  momentum: cyclic,
};

describe('cosine 1cycle, fastai fit_one_cycle', () => {
  it.each([
    [0, 0.04, 0.95],
    [1, 0.37167184270002523, 0.9154508497187474], // p = 0.4: 0.04 + 0.96·(1 − cos 0.4π)/2
    [2, 0.9083281572999747, 0.8595491502812526], // p = 0.8
    [3, 0.9890739096288992, 0.8510926199633096], // phase 2, p = 1/15
    [5, 0.7500025, 0.875], // p = 1/3: (1 + cos π/3)/2 = ¾, so 1e-5 + 0.99999·¾
    [9, 0.04323683890598773, 0.94567727288213], // p = 13/15, the last batch
  ])('batch %i → lr %f, momentum %f', (i, lr, mom) => {
    const v = oneCycleCos(i, fastai, 10);
    expect(v.lr).toBeCloseTo(lr, 12);
    expect(v.momentum).toBeCloseTo(mom, 12);
  });
});

describe('cosAnneal', () => {
  it.each([
    [0, 10],
    [0.5, 6],
    [1, 2],
  ])('p = %f → %f', (p, v) => expect(cosAnneal(10, 2, p)).toBeCloseTo(v, 12));
});
