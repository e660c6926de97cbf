// The two builds the step bench compares, with no Node-only imports (shared with the browser bench).
import * as tf from '@tensorflow/tfjs';
import { Evaluator } from '../../src/engine/evaluate';
import { buildModel, type ModelId } from '../../src/engine/models/index';
import { createTrainStep, type ReplayStatus } from '../../src/engine/train-step';
import type { BenchArgs } from './args';
import {
  measureStep,
  profileStep,
  timeStepsInTurn,
  type StepFigures,
  type StepProfile,
  type StepTimes,
} from './measure';
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

/** A build ready to step: the same batch every call, and what to free afterwards. */
export interface OpenBuild {
  step: () => tf.Scalar;
  /** The engine's recorded step, when it replays one (its dispatches are not tfjs kernels). */
  replay?: () => ReplayStatus | null;
  /** The recorded plan's bytes per kernel kind (the count's plan table). */
  trafficByKind?: () => Map<string, { dispatches: number; bytes: number }> | null;
  dispose: () => void;
}

/** `replay: false` steps through tfjs, whose dispatches `countDispatches` can see one by one. */
export function openEngine(
  args: BenchArgs,
  xRaw: tf.Tensor4D,
  labels: tf.Tensor1D,
  replay = true,
): OpenBuild {
  const model = buildModel(`resnet${args.depth}` as ModelId, args.numClasses, SEED, {
    halfActivations: args.half,
  });
  const trainer = createTrainStep(model, {
    weightDecay: args.weightDecay,
    numClasses: args.numClasses,
    dataset: 'cifar10',
    augment: true,
    seed: SEED,
    replay,
  });
  return {
    step: () => trainer.step(xRaw, labels, LR, MOMENTUM),
    replay: () => trainer.replayStatus(),
    trafficByKind: () => trainer.trafficByKind(),
    dispose: () => {
      trainer.dispose();
      model.dispose();
    },
  };
}

export function openNaive(args: BenchArgs, xRaw: tf.Tensor4D, labels: tf.Tensor1D): OpenBuild {
  const model = buildNaiveResNet({
    depth: args.depth,
    numClasses: args.numClasses,
    weightDecay: args.weightDecay,
    seed: SEED,
  });
  // The naive user normalizes once, outside the step, and does no augmentation.
  const x = tf.tidy(() => xRaw.div(255).sub(0.5)) as tf.Tensor4D;
  const step = createNaiveStep(model, { lr: LR, momentum: MOMENTUM, numClasses: args.numClasses });
  return {
    step: () => step(x, labels),
    dispose: () => {
      x.dispose();
      model.dispose();
    },
  };
}

/**
 * A replayed step runs no tfjs kernels, so tf.profile sees neither its dispatches nor its
 * working set: both come from its plan instead (the same dispatches the recorded step ran, and
 * the GPU bytes the plan holds for the step's own tensors).
 */
function withPlan<T extends StepProfile>(profile: T, build: OpenBuild): T {
  const status = build.replay?.();
  if (!status?.dispatches) return profile;
  return {
    ...profile,
    kernels: status.dispatches,
    peakBytes: profile.peakBytes + status.bytes,
    peakStepBytes: profile.peakStepBytes + status.bytes,
  };
}

/** The engine's first step runs through tfjs and its second is recorded: profile a replay. */
const engineWarmup = (args: BenchArgs) => Math.max(2, args.warmup);

async function benchOne(build: OpenBuild, args: BenchArgs): Promise<StepFigures> {
  try {
    return withPlan(await measureStep(build.step, { ...args, warmup: engineWarmup(args) }), build);
  } finally {
    build.dispose();
  }
}

export const benchEngine = (args: BenchArgs, xRaw: tf.Tensor4D, labels: tf.Tensor1D) =>
  benchOne(openEngine(args, xRaw, labels), args);

export const benchNaive = (args: BenchArgs, xRaw: tf.Tensor4D, labels: tf.Tensor1D) =>
  benchOne(openNaive(args, xRaw, labels), args);

/**
 * Both builds in one run, their timed steps taken in turn (see `timeStepsInTurn`). Each is
 * profiled first; the engine stays alive while the naive build is profiled, so its bytes are
 * taken out of the naive build's peak (both peaks are then each build's own).
 */
export async function benchBoth(
  args: BenchArgs,
  xRaw: tf.Tensor4D,
  labels: tf.Tensor1D,
): Promise<{ engine: StepFigures; naive: StepFigures }> {
  const base = tf.memory().numBytes;
  const engine = openEngine(args, xRaw, labels);
  let naive: OpenBuild | undefined;
  try {
    const engineProfile = withPlan(await profileStep(engine.step, engineWarmup(args)), engine);
    const engineBytes = tf.memory().numBytes - base;
    naive = openNaive(args, xRaw, labels);
    const naiveProfile = await profileStep(naive.step, args.warmup);
    naiveProfile.peakBytes -= engineBytes;
    const [engineTimes, naiveTimes] = await timeStepsInTurn([engine.step, naive.step], args.steps);
    return {
      engine: { ...engineProfile, ...engineTimes! },
      naive: { ...naiveProfile, ...naiveTimes! },
    };
  } finally {
    engine.dispose();
    naive?.dispose();
  }
}

/**
 * Validation batches of the engine's model, taken in turn: through a replayed plan (the
 * training session's `Evaluator`) and through tfjs. Two warm-up calls each: the first runs
 * through tfjs, the second is recorded.
 */
export async function benchEval(
  args: BenchArgs,
  xRaw: tf.Tensor4D,
  labels: tf.Tensor1D,
): Promise<{ replayed: StepTimes; tfjs: StepTimes; dispatches: number | null }> {
  const model = buildModel(`resnet${args.depth}` as ModelId, args.numClasses, SEED);
  const opts = { batchSize: args.batch, numClasses: args.numClasses, dataset: 'cifar10' as const };
  const replayed = new Evaluator(model, opts);
  const tfjs = new Evaluator(model, { ...opts, replay: false });
  const mask = new Float32Array(args.batch).fill(1);
  const calls = [replayed, tfjs].map((e) => () => e.batch(xRaw, labels, mask));
  try {
    for (let i = 0; i < 2; i++)
      for (const call of calls) {
        const sums = call();
        await sums.data();
        sums.dispose();
      }
    const [a, b] = await timeStepsInTurn(calls, args.steps);
    return { replayed: a!, tfjs: b!, dispatches: replayed.replayStatus()?.dispatches ?? null };
  } finally {
    replayed.dispose();
    tfjs.dispose();
    model.dispose();
  }
}
