import { describe, expect, it } from 'vitest';
import { defaultConfig, validateConfig, type TrainConfig } from './config';
import {
  dataLoadSeconds,
  estimateRun,
  extrapolate,
  imagesToLoad,
  type SpeedSample,
} from './estimate';
import { fitBudget, FIRST_VISIT_SECONDS, planPreset } from './presets';

/** This machine's SwiftShader figure order of magnitude: a slow software GPU. */
const slow: SpeedSample = {
  model: 'shallow3',
  backend: 'webgpu',
  device: 'swiftshader',
  batch: 16,
  secondsPerStep: 0.5,
  evalSecondsPerImage: 0.005,
  warmupSeconds: 8,
  measuredAt: 0,
};
/** A fast GPU: 1,000 times quicker. */
const fast: SpeedSample = {
  ...slow,
  secondsPerStep: 0.0005,
  evalSecondsPerImage: 0.000005,
  warmupSeconds: 2,
};

describe('fitBudget', () => {
  it.each([
    ['first visit', FIRST_VISIT_SECONDS],
    ['2 min', 120],
    ['5 min', 300],
    ['45 min', 2700],
  ])(
    '%s: a valid config whose estimate (loading included) is within 25%% under the budget',
    (_n, seconds) => {
      for (const speed of [slow, fast]) {
        const plan = fitBudget(seconds, [speed]);
        expect(plan).not.toBeNull();
        const config = { ...defaultConfig(), ...plan!.config } as TrainConfig;
        expect(validateConfig(config)).toEqual([]);
        expect(plan!.seconds).toBeLessThanOrEqual(seconds);
        // Whole batches and epochs leave some slack, never more than a quarter (unless capped).
        if (config.epochs < 30) expect(plan!.seconds).toBeGreaterThan(seconds * 0.75);
        const own = config.model === speed.model ? speed : extrapolate(speed, config.model);
        // On a fresh page its shards load first: the plan pays for them.
        const dataSeconds = dataLoadSeconds(imagesToLoad(config, 0));
        expect(dataSeconds).toBeGreaterThan(0);
        expect(plan!.seconds).toBeCloseTo(estimateRun(config, own, { dataSeconds }).total, 0);
      }
    },
  );

  it('picks the shallow net on a slow machine and a ResNet on a fast one', () => {
    expect(fitBudget(FIRST_VISIT_SECONDS, [slow])!.config.model).toBe('shallow3');
    expect(fitBudget(2700, [fast])!.config.model).toBe('resnet56');
  });

  it('brings the chosen model’s LR bounds', () => {
    expect(fitBudget(120, [slow])!.config.lrMax).toBe(0.05);
  });

  it('is null without a measured speed', () => {
    expect(fitBudget(120, [])).toBeNull();
  });
});

describe('class demo', () => {
  it('fits both runs into the slot and says why', () => {
    const plan = planPreset('demo', [fast])!;
    expect(plan.config.mode).toBe('demo');
    expect(plan.seconds).toBeLessThanOrEqual(20 * 60);
    expect(plan.note).toMatch(/largest/);
    expect(plan.note).toMatch(/expected to show/);
  });
});

describe('a machine too slow for the budget', () => {
  it('gets the smallest run, with its honest estimate', () => {
    const crawl = { ...slow, secondsPerStep: 30, warmupSeconds: 200 };
    const plan = fitBudget(FIRST_VISIT_SECONDS, [crawl])!;
    expect(plan.config).toMatchObject({ model: 'shallow3', trainSize: 64, epochs: 1 });
    expect(plan.seconds).toBeGreaterThan(FIRST_VISIT_SECONDS);
  });
});
