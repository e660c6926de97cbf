import { describe, expect, it } from 'vitest';
import { defaultConfig } from './config';
import { rangeEvalCount } from './range-test';
import {
  dataLoadSeconds,
  estimatePlan,
  estimateRangeTest,
  estimateRun,
  extrapolate,
  imagesToLoad,
  measuredLoadRate,
  SHARD_BYTES_PER_IMAGE,
  formatAbout,
  formatLeft,
  isStale,
  probeBatch,
  speedKey,
  SPEED_STALE_DAYS,
  type SpeedSample,
} from './estimate';

const sample: SpeedSample = {
  model: 'shallow3',
  backend: 'webgpu',
  device: 'google swiftshader',
  batch: 16,
  secondsPerStep: 0.8,
  evalSecondsPerImage: 0.01,
  warmupSeconds: 5,
  measuredAt: 1_000_000,
};

describe('speed cache', () => {
  it('keys by model, backend and probe batch (large batches share the capped probe)', () => {
    expect(speedKey('resnet56', 'webgpu', 128)).toBe('resnet56/webgpu/16');
    expect(speedKey('resnet56', 'webgpu', 8)).toBe('resnet56/webgpu/8');
    expect(probeBatch(512)).toBe(16);
  });

  it.each([
    [
      'fresh, same device',
      1_000_000 + 86_400_000,
      { backend: 'webgpu', device: 'google swiftshader' },
      false,
    ],
    ['older than the limit', 1_000_001 + SPEED_STALE_DAYS * 86_400_000, null, true],
    ['a new backend', 1_000_000, { backend: 'webgl', device: '' }, true],
    ['a new adapter', 1_000_000, { backend: 'webgpu', device: 'nvidia' }, true],
    ['a clock that went back', 0, null, true],
  ] as const)('%s → stale %s', (_name, now, current, stale) => {
    expect(isStale(sample, now, current)).toBe(stale);
  });
});

describe('estimateRun', () => {
  it('adds steps × s/step, padded validation passes, warm-up and data load', () => {
    const c = { ...defaultConfig(), trainSize: 320, valSize: 40, batchSize: 16, epochs: 2 };
    const e = estimateRun(c, sample, { dataSeconds: 3 });
    // 20 steps an epoch × 2 epochs × 0.8 s; 40 → 48 padded validation images × 2 × 0.01 s.
    expect(e.train).toBeCloseTo(32);
    expect(e.eval).toBeCloseTo(0.96);
    expect(e.total).toBeCloseTo(32 + 0.96 + 3 + 5);
  });

  it('scales per image when the run batch differs from the probe batch', () => {
    const c = { ...defaultConfig(), trainSize: 1280, valSize: 128, batchSize: 128, epochs: 1 };
    expect(estimateRun(c, sample).train).toBeCloseTo(10 * 0.8 * 8);
  });

  it('extrapolates another model by cost per image', () => {
    const r = extrapolate(sample, 'resnet56');
    expect(r.secondsPerStep).toBeCloseTo(8);
    expect(r.model).toBe('resnet56');
  });
});

describe('data load', () => {
  it.each([
    // trainSize, valSize, loaded → images still to load (whole 5,000-image shards per split)
    [1024, 256, 0, 10_000],
    [1024, 256, 10_000, 0],
    [12_000, 256, 10_000, 10_000],
    [50_000, 10_000, 0, 60_000],
    [50_000, 10_000, 15_000, 45_000],
    [1024, 256, 60_000, 0],
  ])('train %i, val %i, %i loaded → %i to load', (trainSize, valSize, loaded, images) => {
    expect(imagesToLoad({ trainSize, valSize }, loaded)).toBe(images);
  });

  it.each([
    [0, 20e6, 0],
    [10_000, 20e6, (10_000 * 3073) / 20e6],
    [60_000, 1e6, 184.38],
    [5_000, 0, 0],
  ])('%i images at %d B/s → %d s', (images, rate, seconds) => {
    expect(SHARD_BYTES_PER_IMAGE).toBe(3073);
    expect(dataLoadSeconds(images, rate)).toBeCloseTo(seconds);
  });
});

describe('measuredLoadRate', () => {
  it.each([
    ['one shard in a second', { ms: 0, loaded: 5000 }, { ms: 1000, loaded: 10_000 }, 5000 * 3073],
    ['two shards in 4 s', { ms: 500, loaded: 5000 }, { ms: 4500, loaded: 15_000 }, 2500 * 3073],
    ['no new images', { ms: 0, loaded: 5000 }, { ms: 1000, loaded: 5000 }, null],
    ['too short to time', { ms: 0, loaded: 5000 }, { ms: 10, loaded: 10_000 }, null],
    ['out of order', { ms: 1000, loaded: 5000 }, { ms: 0, loaded: 10_000 }, null],
  ])('%s', (_name, a, b, rate) => {
    expect(measuredLoadRate(a, b)).toBe(rate);
  });
});

describe('range test and plans', () => {
  it.each([
    [100, 10],
    [95, 10],
    [104, 11],
    [5, 5],
    [1, 1],
    [0, 0],
  ])('a %i-iteration sweep validates %i times', (steps, evals) => {
    expect(rangeEvalCount(steps)).toBe(evals);
  });

  it('times a range test by its iterations and ~10 passes over at most 512 images', () => {
    const c = { ...defaultConfig(), valSize: 1000, batchSize: 16 };
    const e = estimateRangeTest(c, 100, sample);
    expect(e.train).toBeCloseTo(100 * 0.8);
    expect(e.eval).toBeCloseTo(10 * 512 * 0.01);
    expect(e.total).toBeCloseTo(80 + 51.2 + 5);
  });

  const small = { ...defaultConfig(), trainSize: 320, valSize: 40, batchSize: 16, epochs: 2 };
  const one = estimateRun(small, sample);

  it.each([
    ['one run', [{ config: small }], one.train + one.eval + 5],
    [
      'two runs, one warm-up',
      [{ config: small }, { config: small }],
      2 * (one.train + one.eval) + 5,
    ],
    [
      'two batches, two warm-ups',
      [{ config: small }, { config: { ...small, batchSize: 32 } }],
      // Batch 32: 20 steps × 1.6 s; 40 → 64 padded validation images × 2 passes × 0.01 s.
      one.train + one.eval + 20 * 1.6 + 64 * 2 * 0.01 + 2 * 5,
    ],
  ] as const)('%s', (_name, runs, total) => {
    const e = estimatePlan(runs, () => sample, { loadedImages: 10_000 });
    expect(e?.data).toBe(0);
    expect(e?.total).toBeCloseTo(total);
  });

  it('adds the data load once, for the largest subset, when shards are not loaded', () => {
    const big = { ...small, trainSize: 12_000 };
    const e = estimatePlan([{ config: small }, { config: big }], () => sample, {
      loadedImages: 0,
      bytesPerSecond: 3073 * 1000,
    });
    // 15,000 train + 5,000 validation images at 1,000 images/s.
    expect(e?.data).toBeCloseTo(20);
    expect(e?.total).toBeCloseTo((e?.train ?? 0) + (e?.eval ?? 0) + 5 + 20);
  });

  it('counts sweep validations and range tests in a plan; no speed, no estimate', () => {
    const e = estimatePlan(
      [
        { config: small, evalsPerEpoch: 2 },
        { config: small, rangeSteps: 50 },
      ],
      () => sample,
      { loadedImages: 10_000 },
    );
    expect(e?.eval).toBeCloseTo(2 * 2 * 48 * 0.01 + rangeEvalCount(50) * 48 * 0.01);
    expect(e?.train).toBeCloseTo(32 + 50 * 0.8);
    expect(estimatePlan([{ config: small }], () => null)).toBeNull();
    expect(estimatePlan([], () => sample)).toBeNull();
  });
});

describe('formatAbout', () => {
  it.each([
    [12, 'about 10 s'],
    [185, 'about 3 min'],
    [7800, 'about 2 h 10 min'],
    [3600, 'about 1 h'],
    [391_812, 'about 4 days 13 h'],
    [NaN, '—'],
    [null, '—'],
  ])('%s s → %s', (s, text) => {
    expect(formatAbout(s)).toBe(text);
  });

  it('says "left" for an ETA, never a clock time like 108:50:12', () => {
    expect(formatLeft(391_812)).toBe('about 4 days 13 h left');
    expect(formatLeft(391_812)).not.toMatch(/\d+:\d\d/);
  });
});
