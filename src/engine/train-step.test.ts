/**
 * A tiny ResNet (n = 1) trains on 64 real CIFAR-10 images on the cpu backend and on WebGPU
 * (Dawn in Node): the loss falls, a seed fixes every loss, and no tensors leak across steps.
 */
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { BatchAssembler } from './batch';
import { buildModel } from './models';
import { createTrainStep } from './train-step';
import { useBackend, type TestBackend } from './testing/backend.node.js';
import { memorySplit, readCifarRecords } from './testing/cifar.node.js';
import type { SplitData } from './data/types';

const BATCH = 8;

async function trainLosses(
  split: SplitData,
  steps: number,
  augment: boolean,
  seed = 1,
  images = split.total,
) {
  const model = buildModel('resnet8', 10, seed);
  const trainer = createTrainStep(model, {
    weightDecay: 5e-4,
    numClasses: 10,
    dataset: 'cifar10',
    augment,
    seed,
  });
  const assembler = new BatchAssembler(BATCH);
  const losses: tf.Scalar[] = [];
  const tensorCounts: number[] = [];
  for (let s = 0; s < steps; s++) {
    const start = (s * BATCH) % images;
    const { x, y } = assembler.assemble(
      split,
      Array.from({ length: BATCH }, (_, i) => start + i),
    );
    losses.push(trainer.step(x, y, 0.05, 0.9));
    tf.dispose([x, y]);
    tensorCounts.push(tf.memory().numTensors - losses.length);
  }
  const stacked = tf.stack(losses);
  const values = Array.from(await stacked.data());
  tf.dispose([stacked, ...losses]);
  trainer.dispose();
  model.dispose();
  return { values, tensorCounts };
}

describe.each(['cpu', 'webgpu'] as TestBackend[])('training resnet8 on %s', (backend) => {
  let split: SplitData;
  beforeAll(async () => {
    await useBackend(backend);
    const records = await readCifarRecords(64);
    split = memorySplit(records.labels, records.pixels);
  });

  // SwiftShader runs WebGPU on the CPU (~3 s a step here): there, 8 steps over 16 of the images.
  const [steps, images] = backend === 'cpu' ? [32, 64] : [8, 16];

  it(`overfits real images (${images} images, ${steps} steps): the loss falls, no leaks`, async () => {
    const before = tf.memory().numTensors;
    const { values, tensorCounts } = await trainLosses(split, steps, false, 1, images);
    expect(values.every(Number.isFinite)).toBe(true);
    const mean = (a: number[]) => a.reduce((s, v) => s + v, 0) / a.length;
    const first = mean(values.slice(0, steps / 4));
    const last = mean(values.slice(-steps / 4));
    // Starting near ln(10) ≈ 2.3; repeated passes over the same batches cut it well down.
    expect(first).toBeGreaterThan(1.5);
    expect(last).toBeLessThan(first * 0.8);
    // Tensor count is flat from the second step on (the first creates cached constants).
    expect(new Set(tensorCounts.slice(1)).size).toBe(1);
    expect(tf.memory().numTensors).toBe(before);
    // A guard against a hung backend, not a speed check: a loaded 2-core machine needs ~100 s.
  }, 300_000);

  it.runIf(backend === 'cpu')(
    'the same seed gives identical losses (with augmentation)',
    async () => {
      const a = await trainLosses(split, 3, true, 5);
      const b = await trainLosses(split, 3, true, 5);
      const c = await trainLosses(split, 3, true, 6);
      expect(b.values).toEqual(a.values);
      expect(c.values).not.toEqual(a.values);
    },
  );
});
