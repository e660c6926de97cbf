/**
 * runRangeTest on real CIFAR-10 records held in memory, on the cpu backend with ResNet-8: the
 * sweep's LRs, validation points, suggestions read from them, divergence, and no leaked tensors.
 */
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { defaultConfig, type TrainConfig } from '../core/config';
import { analyzeRange, rangeLr, type RangeSpec } from '../core/range-test';
import type { LoadedDataset } from './data/types';
import { runRangeTest, type RangeEngineEvent } from './range-test';
import { cifarDataset } from './testing/cifar.node.js';

let data: LoadedDataset;

beforeAll(async () => {
  await tf.setBackend('cpu');
  // 64 training images (8 steps an epoch at batch 8); 32 others stand in for the test split.
  data = await cifarDataset(64, 32);
});

function config(over: Partial<TrainConfig> = {}): TrainConfig {
  return { ...defaultConfig(), trainSize: 64, valSize: 16, batchSize: 8, wd: 5e-4, ...over };
}

async function sweep(range: RangeSpec, over: Partial<TrainConfig> = {}) {
  const events: RangeEngineEvent[] = [];
  const outcome = await runRangeTest(
    config(over),
    range,
    data,
    { emit: (e) => events.push(e), checkpoint: async () => true },
    { modelOverride: 'resnet8', readbackEvery: 3, evalEvery: 4 },
  );
  const train = events.flatMap((e) => (e.type === 'trainPoints' ? e.points : []));
  const val = events.flatMap((e) => (e.type === 'valPoint' ? [e.point] : []));
  const result = events.find((e) => e.type === 'rangeResult');
  return { outcome, events, train, val, result };
}

describe('runRangeTest', () => {
  it('sweeps 12 steps past an epoch, evaluates, gives finite suggestions, frees every tensor', async () => {
    const before = tf.memory().numTensors;
    const range: RangeSpec = { mode: 'exp', start: 1e-3, end: 1, steps: 12 };
    const { outcome, train, val, result } = await sweep(range);
    expect(tf.memory().numTensors).toBe(before);
    expect(outcome).toBe('done');
    expect(result).toEqual({ type: 'rangeResult', divergedAt: null, divergedStep: null });
    // Every step, each at the sweep's LR, momentum held at momMax.
    expect(train.map((p) => p.step)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]);
    train.forEach((p, i) => expect(p.lr).toBeCloseTo(rangeLr(i, range), 12));
    expect(train[11]!.lr).toBeCloseTo(1, 12);
    expect(train.every((p) => p.momentum === 0.95 && Number.isFinite(p.loss))).toBe(true);
    // Validation every 4 steps on the 16-image subset, tagged with the LR reached.
    expect(val.map((v) => v.step)).toEqual([4, 8, 12]);
    for (const v of val) {
      expect(v.lr).toBeCloseTo(rangeLr(v.step - 1, range), 12);
      expect(Math.abs(v.top1 * 16 - Math.round(v.top1 * 16))).toBeLessThan(1e-6);
      expect(v.loss).toBeGreaterThan(0);
    }
    const analysis = analyzeRange(
      train,
      val.map((v) => ({ lr: v.lr!, loss: v.loss, top1: v.top1 })),
    );
    expect(analysis.suggestions.map((s) => s.id)).toEqual([
      'smith',
      'valley',
      'steepest',
      'minimum',
    ]);
    for (const s of analysis.suggestions) {
      expect(Number.isFinite(s.lr)).toBe(true);
      expect(s.lr).toBeGreaterThan(0);
      expect(s.lr).toBeLessThanOrEqual(1);
    }
  });

  it('the same seed gives the same first losses: each test starts from fresh weights', async () => {
    // Step 2's loss depends on step 1's update: equal only if both tests start from scratch.
    const range: RangeSpec = { mode: 'linear', start: 0.05, end: 0.1, steps: 2 };
    const a = await sweep(range);
    const b = await sweep(range);
    expect(a.train).toHaveLength(2);
    expect(b.train.map((p) => p.loss)).toEqual(a.train.map((p) => p.loss));
  });

  it('stops at divergence and says at which LR', async () => {
    const range: RangeSpec = { mode: 'exp', start: 1, end: 1e6, steps: 12 };
    const { outcome, train, result } = await sweep(range, { wd: 0 });
    expect(outcome).toBe('diverged');
    expect(result?.type).toBe('rangeResult');
    if (result?.type !== 'rangeResult') return;
    expect(result.divergedStep).toBeLessThan(12);
    expect(result.divergedAt).toBeCloseTo(rangeLr(result.divergedStep! - 1, range), 6);
    // Nothing after the divergence reaches the page.
    expect(Math.max(...train.map((p) => p.step))).toBeLessThanOrEqual(result.divergedStep!);
  });

  it('checkpoint false stops the sweep', async () => {
    let calls = 0;
    const events: RangeEngineEvent[] = [];
    const outcome = await runRangeTest(
      config(),
      { mode: 'exp', start: 1e-3, end: 1, steps: 12 },
      data,
      { emit: (e) => events.push(e), checkpoint: async () => ++calls <= 2 },
      { modelOverride: 'resnet8' },
    );
    expect(outcome).toBe('stopped');
    const steps = events.flatMap((e) => (e.type === 'trainPoints' ? e.points : []));
    expect(steps.map((p) => p.step)).toEqual([1, 2]);
  });

  it('rejects a reversed range before building anything', async () => {
    await expect(
      runRangeTest(
        config(),
        { mode: 'exp', start: 1, end: 0.1, steps: 10 },
        data,
        { emit: () => {}, checkpoint: async () => true },
        { modelOverride: 'resnet8' },
      ),
    ).rejects.toThrow(/start must be below/);
  });
});
