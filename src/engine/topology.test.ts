/**
 * Loss topology on real CIFAR-10 records (cpu backend, resnet8): snapshots taken during a real
 * run, and the interpolation line between them.
 */
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { defaultConfig } from '../core/config';
import type { LoadedDataset } from './data/types';
import { evaluate } from './evaluate';
import { buildModel } from './models';
import { runTraining } from './run';
import { cifarDataset } from './testing/cifar.node.js';
import { disposeSnapshot, evaluateLine, TOPOLOGY_ALPHAS, type WeightSnapshot } from './topology';

let data: LoadedDataset;

beforeAll(async () => {
  await tf.setBackend('cpu');
  data = await cifarDataset(40, 16);
});

const evalOpts = { batchSize: 8, numClasses: 10, dataset: 'cifar10' as const };

/** The snapshot's own weights in a model, evaluated directly (no interpolation). */
async function direct(s: WeightSnapshot, split: 'train' | 'test', count: number) {
  const model = buildModel(s.modelId, s.numClasses, 0);
  model.params.forEach((p, i) => p.assign(s.params[i]!));
  model.stats.forEach((v, i) => v.assign(s.stats[i]!));
  try {
    return (await evaluate(model, data[split], count, evalOpts)).loss;
  } finally {
    model.dispose();
  }
}

describe('loss topology', () => {
  it('snapshots two steps of a run; α = 1 and α = 0 give their own losses; nothing leaks', async () => {
    const before = tf.memory().numTensors;
    const snaps: WeightSnapshot[] = [];
    const config = {
      ...defaultConfig(),
      trainSize: 40,
      valSize: 16,
      batchSize: 8,
      epochs: 1,
      lrMin: 0.05,
      lrMax: 0.5,
    };
    const outcome = await runTraining(
      config,
      data,
      { emit: () => {}, checkpoint: async () => true },
      {
        modelOverride: 'resnet8',
        readbackEvery: 5,
        snapshotSteps: [2, 5],
        onSnapshot: (s) => snaps.push(s),
      },
    );
    expect(outcome).toBe('done');
    expect(snaps.map((s) => s.step)).toEqual([2, 5]);
    const [w1, w2] = snaps as [WeightSnapshot, WeightSnapshot];
    // The run went on training after step 2: the snapshot is a copy, not the live weights.
    const d0 = tf.tidy(() => tf.sub(w1.params[0]!, w2.params[0]!).abs().max().dataSync()[0]!);
    expect(d0).toBeGreaterThan(0);

    const points = await evaluateLine(w1, w2, data, {
      trainCount: 8,
      valCount: 8,
      batchSize: 8,
      dataset: 'cifar10',
    });
    expect(points.map((p) => p.alpha)).toEqual([...TOPOLOGY_ALPHAS]);
    expect(TOPOLOGY_ALPHAS[0]).toBe(-0.5);
    expect(TOPOLOGY_ALPHAS[8]).toBe(1.5);
    const at = (a: number) => points.find((p) => p.alpha === a)!;
    expect(at(1).trainLoss).toBeCloseTo(await direct(w1, 'train', 8), 5);
    expect(at(1).valLoss).toBeCloseTo(await direct(w1, 'test', 8), 5);
    expect(at(0).trainLoss).toBeCloseTo(await direct(w2, 'train', 8), 5);
    expect(at(0).valLoss).toBeCloseTo(await direct(w2, 'test', 8), 5);
    // The two ends differ, so the line is not one point evaluated nine times.
    expect(at(1).trainLoss).not.toBeCloseTo(at(0).trainLoss, 3);
    for (const p of points) {
      expect(Number.isFinite(p.trainLoss) && Number.isFinite(p.valLoss)).toBe(true);
      expect(p.valTop1).toBeGreaterThanOrEqual(0);
      expect(p.valTop1).toBeLessThanOrEqual(1);
    }

    snaps.forEach(disposeSnapshot);
    expect(tf.memory().numTensors).toBe(before);
  });
});
