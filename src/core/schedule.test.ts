import { describe, expect, it } from 'vitest';
import { oneCycle } from './schedule';

// Smith's 1cycle over 100 steps: a 90-step cycle (45 up, 45 down), then 10 steps annealing
// from lrMin to lrMin/100. Values written out by hand from the piecewise-linear definition.
const s = { totalSteps: 100, lrMin: 0.08, lrMax: 0.8, momMax: 0.95, momMin: 0.85 };

describe('oneCycle (Smith)', () => {
  it.each([
    [0, 0.08, 0.95],
    [22.5, 0.44, 0.9],
    [45, 0.8, 0.85],
    [67.5, 0.44, 0.9],
    [90, 0.08, 0.95],
    [95, 0.0404, 0.95],
    [100, 0.0008, 0.95],
  ])('step %f → lr %f, momentum %f', (step, lr, momentum) => {
    const v = oneCycle(step, s);
    expect(v.lr).toBeCloseTo(lr, 10);
    expect(v.momentum).toBeCloseTo(momentum, 10);
  });

  it('clamps steps outside the run', () => {
    expect(oneCycle(-5, s)).toEqual(oneCycle(0, s));
    expect(oneCycle(500, s)).toEqual(oneCycle(100, s));
  });

  it('momentum falls exactly while LR rises', () => {
    for (let t = 1; t <= 45; t++) {
      expect(oneCycle(t, s).lr).toBeGreaterThan(oneCycle(t - 1, s).lr);
      expect(oneCycle(t, s).momentum).toBeLessThan(oneCycle(t - 1, s).momentum);
    }
  });
});
