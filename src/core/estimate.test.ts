import { describe, expect, it } from 'vitest';
import { defaultConfig } from './config';
import {
  estimateRun,
  extrapolate,
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
