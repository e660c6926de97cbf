/**
 * runTraining end to end on real CIFAR-10 records held in memory (the SplitData is a data
 * container whose `ensure` resolves at once; tfjs and the training itself are real).
 */
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { defaultConfig, type TrainConfig } from '../core/config';
import type { LoadedDataset } from './data/types';
import { epochOrder } from './order';
import { runTraining, type EngineEvent } from './run';
import { cifarDataset } from './testing/cifar.node.js';

let data: LoadedDataset;

beforeAll(async () => {
  await tf.setBackend('cpu');
  // 64 training images; 32 other images stand in for the test split.
  data = await cifarDataset(64, 32);
});

function config(over: Partial<TrainConfig>): TrainConfig {
  return {
    ...defaultConfig(),
    trainSize: 64,
    valSize: 20,
    batchSize: 8,
    epochs: 1,
    lrMin: 0.01,
    lrMax: 0.1,
    ...over,
  };
}

describe('runTraining', () => {
  it('trains, streams train points and a validation point, and frees every tensor', async () => {
    const events: EngineEvent[] = [];
    const before = tf.memory().numTensors;
    const outcome = await runTraining(
      config({}),
      data,
      { emit: (e) => events.push(e), checkpoint: async () => true },
      { modelOverride: 'resnet8', readbackEvery: 3 },
    );
    expect(outcome).toBe('done');
    const points = events.flatMap((e) => (e.type === 'trainPoints' ? e.points : []));
    expect(points.map((p) => p.step)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    expect(points.every((p) => Number.isFinite(p.loss) && p.loss > 0)).toBe(true);
    // 1cycle: LR rises from lrMin.
    expect(points[0]!.lr).toBeCloseTo(0.01, 6);
    expect(points[3]!.lr).toBeGreaterThan(points[0]!.lr);
    const vals = events.flatMap((e) => (e.type === 'valPoint' ? [e.point] : []));
    expect(vals).toHaveLength(1);
    const v = vals[0]!;
    expect(v.step).toBe(8);
    expect(v.epoch).toBe(1);
    for (const f of [v.top1, v.top5]) {
      expect(f).toBeGreaterThanOrEqual(0);
      expect(f).toBeLessThanOrEqual(1);
    }
    expect(v.top5).toBeGreaterThanOrEqual(v.top1);
    // 20 validation images: fractions are multiples of 1/20 (the padded 4 are masked out).
    expect(Math.abs(v.top5 * 20 - Math.round(v.top5 * 20))).toBeLessThan(1e-6);
    expect(v.loss).toBeGreaterThan(0);
    expect(events.some((e) => e.type === 'progress' && e.step === 8)).toBe(true);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('on a pause, every step already computed reaches the page before it waits', async () => {
    const events: EngineEvent[] = [];
    let calls = 0;
    let seenAtPause = -1;
    const outcome = await runTraining(
      config({}),
      data,
      {
        emit: (e) => events.push(e),
        // The checkpoint runs before each step: three steps run, then the pause lands.
        pauseRequested: () => calls >= 3,
        checkpoint: async () => {
          if (calls < 3) {
            calls++;
            return true;
          }
          seenAtPause = events.flatMap((e) => (e.type === 'trainPoints' ? e.points : [])).length;
          return false;
        },
      },
      { modelOverride: 'resnet8', readbackEvery: 20 },
    );
    expect(outcome).toBe('stopped');
    expect(seenAtPause).toBe(3);
  });

  it('stops when checkpoint returns false and reports the steps done', async () => {
    const events: EngineEvent[] = [];
    let calls = 0;
    const outcome = await runTraining(
      config({ epochs: 3 }),
      data,
      { emit: (e) => events.push(e), checkpoint: async () => ++calls <= 2 },
      { modelOverride: 'resnet8', readbackEvery: 20 },
    );
    expect(outcome).toBe('stopped');
    const points = events.flatMap((e) => (e.type === 'trainPoints' ? e.points : []));
    expect(points.map((p) => p.step)).toEqual([1, 2]);
  });

  it('reports divergence with its step and learning rate', async () => {
    const events: EngineEvent[] = [];
    const outcome = await runTraining(
      // Far beyond the UI's range: the run must still end cleanly rather than train on NaN. (At 1e6
      // batch norm keeps a ResNet-8's loss finite: large, but not a divergence this test can see.)
      config({ lrMin: 1e30, lrMax: 1e30, wd: 0 }),
      data,
      { emit: (e) => events.push(e), checkpoint: async () => true },
      { modelOverride: 'resnet8', readbackEvery: 2 },
    );
    expect(outcome).toBe('diverged');
    const state = events.find((e) => e.type === 'state');
    expect(state).toMatchObject({ type: 'state', state: 'diverged' });
    expect(state && 'message' in state ? state.message : '').toMatch(
      /at step \d+ \(LR 1\.00e\+30\)/,
    );
  });
});

describe('epochOrder', () => {
  it('epoch 1 keeps shards in order; later epochs permute everything; the seed fixes both', () => {
    const n = 12_000;
    const first = epochOrder(0, n, 1);
    expect(Array.from(first.slice(0, 5000)).every((i) => i < 5000)).toBe(true);
    expect(Array.from(first.slice(5000, 10_000)).every((i) => i >= 5000 && i < 10_000)).toBe(true);
    expect(new Set(first).size).toBe(n);
    const second = epochOrder(1, n, 1);
    expect(new Set(second).size).toBe(n);
    expect(Array.from(second.slice(0, 5000)).some((i) => i >= 5000)).toBe(true);
    expect(Array.from(epochOrder(1, n, 1))).toEqual(Array.from(second));
    expect(Array.from(epochOrder(1, n, 2))).not.toEqual(Array.from(second));
  });
});
