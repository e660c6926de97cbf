import { describe, expect, it } from 'vitest';
import { defaultConfig, type TrainConfig } from '../config';
import { scheduleFromConfig } from './from-config';
import { scheduleAt, type ScheduleSpec } from './index';
import { sampleSchedule } from './sample';

describe('scheduleAt', () => {
  it('constant: the same LR and momentum at every step', () => {
    const spec: ScheduleSpec = { kind: 'constant', lr: 0.1, momentum: 0.9 };
    for (const step of [0, 7, 99])
      expect(scheduleAt(step, spec, 100, 10)).toEqual({ lr: 0.1, momentum: 0.9 });
  });

  // MultiStepLR(lr 0.1, milestones at epochs 2 and 3, gamma ÷10) with 5 iterations per epoch:
  // drops take effect at iterations 10 and 15.
  it.each([
    [0, 0.1],
    [9, 0.1],
    [10, 0.01],
    [14, 0.01],
    [15, 0.001],
    [24, 0.001],
  ])('multistep: step %i → lr %f', (step, lr) => {
    const spec: ScheduleSpec = {
      kind: 'multistep',
      lr: 0.1,
      gamma: 10,
      milestones: [3, 2],
      momentum: 0.9,
    };
    const v = scheduleAt(step, spec, 25, 5);
    expect(v.lr).toBeCloseTo(lr, 15);
    expect(v.momentum).toBe(0.9);
  });

  it("Smith's 1cycle: the existing oneCycle, with momentum held when constant", () => {
    const spec: ScheduleSpec = {
      kind: 'onecycle',
      lrMin: 0.08,
      lrMax: 0.8,
      momentum: { kind: 'constant', value: 0.9 },
    };
    // 100 steps: peak at 45, back to lrMin at 90, lrMin/100 at the end.
    expect(scheduleAt(45, spec, 100, 10)).toEqual({ lr: 0.8, momentum: 0.9 });
    expect(scheduleAt(90, spec, 100, 10).lr).toBeCloseTo(0.08, 12);
    expect(scheduleAt(100, spec, 100, 10).lr).toBeCloseTo(0.0008, 12);
    expect(scheduleAt(20, spec, 100, 10).momentum).toBe(0.9);
  });
});

// 256 images in batches of 16: 16 iterations per epoch; 4 epochs = 64 iterations.
const tiny: TrainConfig = { ...defaultConfig(), trainSize: 256, batchSize: 16, epochs: 4 };
const run = (patch: Partial<TrainConfig>) => {
  const c = { ...tiny, ...patch };
  const spec = scheduleFromConfig(c, 16);
  return (step: number) => scheduleAt(step, spec, 64, 16);
};

describe('scheduleFromConfig', () => {
  it('CLR: a step size of 1.5 epochs peaks at iteration 24 and returns to LR min at 48', () => {
    const at = run({ schedule: 'clr-triangular', stepSize: 1.5, lrMin: 0.01, lrMax: 0.1 });
    expect(at(0).lr).toBeCloseTo(0.01, 12);
    expect(at(24)).toEqual({ lr: 0.1, momentum: 0.85 });
    expect(at(48).lr).toBeCloseTo(0.01, 12);
  });

  it('CLR exp_range uses the configured gamma', () => {
    const at = run({
      schedule: 'clr-exp-range',
      stepSize: 1,
      lrMin: 0.01,
      lrMax: 0.1,
      clrGamma: 0.99,
    });
    expect(at(16).lr).toBeCloseTo(0.01 + 0.09 * 0.99 ** 16, 12);
  });

  it('cosine 1cycle starts at LR min and ends at LR min / finalDiv', () => {
    const at = run({
      schedule: 'onecycle-cos',
      lrMin: 0.04,
      lrMax: 1,
      finalDiv: 100,
      pctStart: 0.25,
    });
    expect(at(0)).toEqual({ lr: 0.04, momentum: 0.95 });
    expect(at(15).lr).toBeCloseTo(1, 12); // pct·T − 1 = 15
    expect(at(63).lr).toBeCloseTo(0.0004, 12);
  });

  it('multistep starts at LR max and divides at 50% and 75% of the run', () => {
    const at = run({ schedule: 'multistep', lrMax: 0.1, dropFactor: 10 });
    expect(at(31).lr).toBeCloseTo(0.1, 12);
    expect(at(32).lr).toBeCloseTo(0.01, 12);
    expect(at(48).lr).toBeCloseTo(0.001, 12);
    expect(at(48).momentum).toBe(0.95);
  });

  it('constant momentum holds momentum max under any LR schedule', () => {
    const at = run({ schedule: 'onecycle', momSchedule: 'constant', momMax: 0.9 });
    for (let i = 0; i < 64; i += 7) expect(at(i).momentum).toBe(0.9);
  });
});

describe('sampleSchedule', () => {
  it('gives every iteration of a short run', () => {
    const spec = scheduleFromConfig(tiny, 16);
    const pts = sampleSchedule(spec, 64, 16);
    expect(pts.map((p) => p.step)).toEqual(Array.from({ length: 64 }, (_, i) => i));
  });

  it('keeps the peaks of short cycles in a long run and stays within the point budget', () => {
    const c = {
      ...defaultConfig(),
      schedule: 'clr-triangular' as const,
      stepSize: 0.5,
      epochs: 40,
    };
    // 390 iterations per epoch, 15600 in all; cycles of 390 iterations peak at LR max.
    const pts = sampleSchedule(scheduleFromConfig(c, 390), 15_600, 390, 600);
    expect(pts.length).toBeLessThanOrEqual(602);
    expect(pts[0]!.step).toBe(0);
    expect(pts.at(-1)!.step).toBe(15_599);
    const peaks = pts.filter((p) => p.lr > c.lrMax * 0.99).length;
    expect(peaks).toBeGreaterThanOrEqual(40);
  });
});
