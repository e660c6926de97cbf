// The two builds the step bench compares, with no Node-only imports (shared with the browser bench).
import * as tf from '@tensorflow/tfjs';
import { buildModel, type ModelId } from '../../src/engine/models/index';
import { createTrainStep } from '../../src/engine/train-step';
import type { BenchArgs } from './args';
import { measureStep, type StepFigures } from './measure';
import { buildNaiveResNet, createNaiveStep } from './naive-resnet';

export const LR = 0.05;
export const MOMENTUM = 0.9;
export const SEED = 1;

export function randomBatch(args: BenchArgs): { xRaw: tf.Tensor4D; labels: tf.Tensor1D } {
  return {
    xRaw: tf.randomUniform([args.batch, 32, 32, 3], 0, 255, 'float32', SEED) as tf.Tensor4D,
    labels: tf.randomUniform([args.batch], 0, args.numClasses, 'int32', SEED + 1) as tf.Tensor1D,
  };
}

export async function benchEngine(
  args: BenchArgs,
  xRaw: tf.Tensor4D,
  labels: tf.Tensor1D,
): Promise<StepFigures> {
  const model = buildModel(`resnet${args.depth}` as ModelId, args.numClasses, SEED);
  const trainer = createTrainStep(model, {
    weightDecay: args.weightDecay,
    numClasses: args.numClasses,
    dataset: 'cifar10',
    augment: true,
    seed: SEED,
  });
  try {
    return await measureStep(() => trainer.step(xRaw, labels, LR, MOMENTUM), args);
  } finally {
    trainer.dispose();
    model.dispose();
  }
}

export async function benchNaive(
  args: BenchArgs,
  xRaw: tf.Tensor4D,
  labels: tf.Tensor1D,
): Promise<StepFigures> {
  const model = buildNaiveResNet({
    depth: args.depth,
    numClasses: args.numClasses,
    weightDecay: args.weightDecay,
    seed: SEED,
  });
  // The naive user normalizes once, outside the step, and does no augmentation.
  const x = tf.tidy(() => xRaw.div(255).sub(0.5)) as tf.Tensor4D;
  const step = createNaiveStep(model, { lr: LR, momentum: MOMENTUM, numClasses: args.numClasses });
  try {
    return await measureStep(() => step(x, labels), args);
  } finally {
    x.dispose();
    model.dispose();
  }
}
