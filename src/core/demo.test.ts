import { describe, expect, it } from 'vitest';
import { defaultConfig, runSteps, validateConfig, type DemoBudget } from './config';
import { DEFAULT_IMAGES_PER_SEC, demoConfigs, demoEpochs } from './demo';

describe('demoEpochs', () => {
  it.each<[DemoBudget, number, number, number]>([
    ['tiny', 1000, 50_000, 1],
    // 5 min for both runs: 150 s each at 1000 images/s = 150 000 images = 3 epochs of 50 000.
    ['5', 1000, 50_000, 3],
    ['10', 1000, 50_000, 6],
    ['20', 1000, 50_000, 12],
    // Unmeasured: the default rate.
    ['5', 0, 50_000, Math.floor((150 * DEFAULT_IMAGES_PER_SEC) / 50_000) || 1],
    // Never below one epoch, never above the schema's 400.
    ['5', 10, 50_000, 1],
    ['20', 1e6, 256, 400],
  ])('%s min at %d images/s on %d images: %d epochs each', (budget, rate, n, epochs) => {
    expect(demoEpochs(budget, rate, n)).toBe(epochs);
  });
});

describe('demoConfigs', () => {
  const base = { ...defaultConfig(), seed: 3, lrMin: 0.08, lrMax: 0.8, trainSize: 256 };
  const [one, multi] = demoConfigs(base, 4);

  it('runs 1cycle first, then multistep, with the same model, data, seed and length', () => {
    expect(one!.config.schedule).toBe('onecycle');
    expect(multi!.config.schedule).toBe('multistep');
    for (const key of [
      'model',
      'dataset',
      'seed',
      'trainSize',
      'valSize',
      'batchSize',
      'wd',
    ] as const)
      expect(multi!.config[key]).toBe(one!.config[key]);
    expect(runSteps(one!.config).totalSteps).toBe(runSteps(multi!.config).totalSteps);
    expect(one!.config.epochs).toBe(4);
  });

  it('1cycle peaks at LR max; multistep holds a tenth of it, ÷10 at 50% and 75%', () => {
    expect(one!.config).toMatchObject({ lrMax: 0.8, lrMin: 0.08, momSchedule: 'cyclic' });
    expect(multi!.config).toMatchObject({ lrMax: 0.08, dropFactor: 10, dropAt1: 50, dropAt2: 75 });
    expect(validateConfig(one!.config)).toEqual([]);
    expect(validateConfig(multi!.config)).toEqual([]);
  });
});
