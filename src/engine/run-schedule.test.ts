/** The training loop takes its LR and momentum from the configured schedule (real tfjs, cpu). */
import * as tf from '@tensorflow/tfjs';
import { beforeAll, expect, it } from 'vitest';
import { defaultConfig } from '../core/config';
import type { LoadedDataset } from './data/types';
import { runTraining, type EngineEvent } from './run';
import { cifarDataset } from './testing/cifar.node.js';

let data: LoadedDataset;

beforeAll(async () => {
  await tf.setBackend('cpu');
  data = await cifarDataset(16, 4);
});

it('a multistep run trains at LR max, then ÷ the divisor at each drop, at constant momentum', async () => {
  const events: EngineEvent[] = [];
  // 16 images in batches of 4 for 2 epochs: 8 iterations; drops at 50% and 75% → iterations 4, 6.
  const config = {
    ...defaultConfig(),
    trainSize: 16,
    valSize: 4,
    batchSize: 4,
    epochs: 2,
    schedule: 'multistep' as const,
    lrMax: 0.05,
    dropFactor: 10,
    momMax: 0.9,
  };
  const outcome = await runTraining(
    config,
    data,
    { emit: (e) => events.push(e), checkpoint: async () => true },
    { modelOverride: 'resnet8', readbackEvery: 8 },
  );
  expect(outcome).toBe('done');
  const points = events.flatMap((e) => (e.type === 'trainPoints' ? e.points : []));
  const lrs = points.map((p) => Number(p.lr.toPrecision(6)));
  expect(lrs).toEqual([0.05, 0.05, 0.05, 0.05, 0.005, 0.005, 0.0005, 0.0005]);
  expect(points.every((p) => p.momentum === 0.9)).toBe(true);
});
