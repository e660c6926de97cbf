import { describe, expect, it } from 'vitest';
import {
  configToQuery,
  defaultConfig,
  parseConfigQuery,
  validateConfig,
  type TrainConfig,
} from '../config';

const parse = (q: string) => parseConfigQuery(new URLSearchParams(q));
// 256 images in batches of 16 for 2 epochs: 16 iterations per epoch, 32 in the run.
const tiny: TrainConfig = { ...defaultConfig(), trainSize: 256, batchSize: 16, epochs: 2 };
const errorsOf = (patch: Partial<TrainConfig>) => validateConfig({ ...tiny, ...patch });

describe('schedule settings in the URL', () => {
  it('round-trips every schedule key', () => {
    const c: TrainConfig = {
      ...tiny,
      schedule: 'clr-exp-range',
      stepSize: 0.5,
      clrGamma: 0.999,
      pctStart: 0.4,
      finalDiv: 1000,
      threePhase: 'on',
      dropFactor: 5,
      dropAt1: 30,
      dropAt2: 90,
      momSchedule: 'constant',
    };
    const { config, notices } = parse(configToQuery(c));
    expect(config).toEqual(c);
    expect(notices).toEqual([]);
  });

  it('an old link without schedule keys gets the 1cycle defaults', () => {
    const { config } = parse('lrMax=0.5');
    expect(config.schedule).toBe('onecycle');
    expect(config.momSchedule).toBe('cyclic');
    expect(config.pctStart).toBe(0.3);
  });

  it.each([
    ['schedule=cosine', 'schedule', 'onecycle'],
    ['stepSize=0', 'stepSize', 0.1],
    ['stepSize=abc', 'stepSize', 2],
    ['pctStart=1.5', 'pctStart', 0.95],
    ['clrGamma=2', 'clrGamma', 1],
    ['momSchedule=wavy', 'momSchedule', 'cyclic'],
    ['dropAt1=-10', 'dropAt1', 0],
  ])('%s → %s = %s, with a notice naming the key', (q, key, expected) => {
    const { config, notices } = parse(q);
    expect(config[key as keyof TrainConfig]).toBe(expected);
    expect(notices.map((n) => n.key)).toEqual([key]);
  });
});

describe('validateConfig for schedules', () => {
  it('accepts every schedule with the tiny run’s defaults', () => {
    for (const schedule of [
      'onecycle',
      'onecycle-cos',
      'clr-triangular',
      'clr-triangular2',
      'clr-exp-range',
      'multistep',
      'constant',
    ] as const) {
      expect(errorsOf({ schedule, stepSize: 1 })).toEqual([]);
    }
  });

  it.each([
    [
      { schedule: 'clr-triangular', stepSize: 3 },
      'stepSize',
      'Step size (3 epochs) is longer than the run (2 epochs)',
    ],
    [
      { schedule: 'clr-exp-range', stepSize: 2.5 },
      'stepSize',
      'Step size (2.5 epochs) is longer than the run (2 epochs)',
    ],
    [
      { schedule: 'clr-triangular', lrMin: 0.5, lrMax: 0.1 },
      'lrMin',
      'LR min must not exceed LR max',
    ],
    [{ schedule: 'onecycle-cos', lrMin: 0, lrMax: 0.1 }, 'lrMin', 'LR min must be positive'],
    [{ schedule: 'constant', lrMax: -1 }, 'lrMax', 'LR max must be positive'],
    [{ momMax: 1 }, 'momMax', 'Momentum max must be at least 0 and below 1'],
    [{ momMin: -0.1 }, 'momMin', 'Momentum min must be at least 0 and below 1'],
    [{ momMin: 0.95, momMax: 0.9 }, 'momMin', 'Momentum min must not exceed momentum max'],
    [
      { schedule: 'onecycle-cos', threePhase: 'on', pctStart: 0.5 },
      'pctStart',
      'With three phases the rising share must be below 0.5: the fall mirrors the rise',
    ],
  ] as const)('%o → %s: %s', (patch, key, message) => {
    expect(errorsOf(patch)).toEqual([{ key, message }]);
  });

  it('a step size of exactly the run is allowed (one rise)', () => {
    expect(errorsOf({ schedule: 'clr-triangular', stepSize: 2 })).toEqual([]);
  });

  it('ignores settings the chosen schedule does not read', () => {
    // Constant and multistep read only LR max and momentum max.
    expect(errorsOf({ schedule: 'multistep', lrMin: 5, lrMax: 0.1 })).toEqual([]);
    expect(errorsOf({ schedule: 'constant', momMin: 0.99, momMax: 0.9 })).toEqual([]);
    expect(errorsOf({ momSchedule: 'constant', momMin: 0.99, momMax: 0.9 })).toEqual([]);
    // A step size only matters to cyclical LR.
    expect(errorsOf({ schedule: 'onecycle', stepSize: 50 })).toEqual([]);
  });
});
