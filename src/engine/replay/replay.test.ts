/**
 * The recorded-and-replayed ResNet step (replay/) against the same step run through tfjs, on
 * WebGPU in Node, on real CIFAR-10 records: every loss, weight, velocity and running statistic
 * must agree. The batches, crop boxes, learning rates and momenta change every step, so a replay
 * that froze any of them would disagree; and the trainer must really replay (its status says so).
 */
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { BatchAssembler } from '../batch';
import type { SplitData } from '../data/types';
import { buildModel } from '../models';
import { useBackend } from '../testing/backend.node.js';
import { defaultConfig } from '../../core/config';
import { TrainingSession } from '../session';
import { cifarDataset, memorySplit, readCifarRecords } from '../testing/cifar.node.js';
import { createTrainStep, type ReplayStatus } from '../train-step';
import { StepReplayer } from './replayer';

const BATCH = 4;
const LRS = [0.05, 0.2, 0.1, 0.4, 0.3, 0.15, 0.25];
const MOMS = [0.95, 0.9, 0.85, 0.8, 0.85, 0.9, 0.95];

interface Run {
  params: number;
  losses: number[];
  state: Float32Array[];
  status: ReplayStatus | null;
  tensorsPerStep: number[];
}

/**
 * Trains resnet8 for LRS.length steps. `restoreAt`: before that step, put the weights back to
 * what they were after step 1 (as loading a checkpoint does), which a plan must notice.
 */
async function train(
  split: SplitData,
  replay: boolean,
  restoreAt = -1,
  halfActivations = false,
  lrScale = 1,
): Promise<Run> {
  const model = buildModel('resnet8', 10, 3, { halfActivations });
  const trainer = createTrainStep(model, {
    weightDecay: 5e-4,
    numClasses: 10,
    dataset: 'cifar10',
    seed: 4,
    replay,
  });
  const assembler = new BatchAssembler(BATCH);
  const losses: tf.Scalar[] = [];
  const tensorsPerStep: number[] = [];
  let saved: tf.Tensor[] = [];
  for (let s = 0; s < LRS.length; s++) {
    if (s === restoreAt) model.params.forEach((p, i) => p.assign(saved[i]!));
    const ids = Array.from({ length: BATCH }, (_, i) => (s * BATCH + i) % split.total);
    const { x, y } = assembler.assemble(split, ids);
    losses.push(trainer.step(x, y, LRS[s]! * lrScale, MOMS[s]!));
    tf.dispose([x, y]);
    if (s === 0) saved = model.params.map((p) => tf.clone(p));
    tensorsPerStep.push(tf.memory().numTensors - losses.length);
  }
  const values = await Promise.all(losses.map(async (l) => (await l.data())[0]!));
  const state = await Promise.all(
    [...model.params, ...model.stats].map(async (v) => (await v.data()) as Float32Array),
  );
  const status = trainer.replayStatus();
  tf.dispose([...losses, ...saved]);
  trainer.dispose();
  model.dispose();
  return { params: model.params.length, losses: values, state, status, tensorsPerStep };
}

function expectSameLosses(replayed: number[], stepped: number[]): void {
  const worst = Math.max(...replayed.map((l, i) => Math.abs(l - stepped[i]!)));
  expect(worst, `replayed ${replayed.join()} vs tfjs ${stepped.join()}`).toBeLessThan(1e-5);
}

function maxRelDiff(a: Float32Array[], b: Float32Array[]): number {
  let worst = 0;
  a.forEach((x, i) => {
    const y = b[i]!;
    let num = 0;
    let den = 0;
    for (let k = 0; k < x.length; k++) {
      num += (x[k]! - y[k]!) ** 2;
      den += y[k]! ** 2;
    }
    worst = Math.max(worst, Math.sqrt(num / Math.max(den, 1e-30)));
  });
  return worst;
}

/**
 * The replayed state against tfjs's. Every kernel of the plan runs tfjs's arithmetic but the BN
 * statistics, which it sums by 64-row tiles (fuse-stats.ts; checked against float64 there): a
 * different rounding of the mean and variance, ~1e-7, that seven steps at learning rates up to
 * 0.4 amplify to ~5e-4 in the weights (relative L2; the losses still agree to 5e-7; at 1/100 of
 * these learning rates every tensor agrees to 1e-6). A frozen learning rate, batch or crop, or
 * an update left out, moves a tensor by far more than 2e-3.
 */
function expectSameState(replayed: Float32Array[], stepped: Float32Array[]): void {
  expect(maxRelDiff(replayed, stepped)).toBeLessThan(2e-3);
}

describe('replaying the recorded ResNet step on WebGPU', () => {
  let split: SplitData;
  beforeAll(async () => {
    await useBackend('webgpu');
    const records = await readCifarRecords(32);
    split = memorySplit(records.labels, records.pixels);
  });

  it('gives the losses and the state that stepping through tfjs gives', async () => {
    const before = tf.memory().numTensors;
    const replayed = await train(split, true);
    const stepped = await train(split, false);
    // Step 1 runs through tfjs, step 2 is recorded, the rest are replays.
    expect(replayed.status).toMatchObject({
      recordings: 1,
      replays: LRS.length - 2,
      refused: null,
    });
    expect(replayed.status!.dispatches).toBeGreaterThan(50);
    // Every parameter's SGD is in place in the plan (two programs through tfjs), two to a dispatch.
    expect(replayed.status!.fusedSgd).toBe(replayed.params);
    expect(replayed.status!.sgdDispatches).toBe(Math.ceil(replayed.params / 2));
    // ResNet-8's units with an input gradient, less the two that open a stage (their two
    // gradients tile differently): each runs its filter and input gradients as one dispatch.
    expect(replayed.status!.gradPairs).toBe(4);
    // Every BN layer after a conv (ResNet-8: the stem and six in blocks) takes its batch
    // statistics from the conv's tiles.
    expect(replayed.status!.statsFused).toBe(7);
    // Each block's first BN layer (three) takes its backward sums from its second unit's pair,
    // and the stem's from block 1's first-unit pair, whose residual epilogue writes their dy (the
    // other first units open a stage: not joined).
    expect(replayed.status!.sumsFused).toBe(4);
    // The stem's output is computed by block 1's first conv as it loads it (ResNet-8's blocks'
    // outputs go to a stride-2 conv or the pooling).
    expect(replayed.status!.applyFused).toBe(1);
    expect(stepped.status).toBeNull();
    expectSameLosses(replayed.losses, stepped.losses);
    expectSameState(replayed.state, stepped.state);
    // Not trivially equal: training moved the weights, and the losses differ step to step.
    expect(new Set(replayed.losses.map((l) => l.toFixed(4))).size).toBe(LRS.length);
    // No tensor is made or kept per replayed step beyond the loss the caller frees.
    expect(new Set(replayed.tensorsPerStep.slice(1)).size).toBe(1);
    expect(tf.memory().numTensors).toBe(before);
  }, 300_000);

  it('records again after the weights are replaced, and still agrees with tfjs', async () => {
    const restoreAt = 4;
    const replayed = await train(split, true, restoreAt);
    const stepped = await train(split, false, restoreAt);
    expect(replayed.status).toMatchObject({ recordings: 2, replays: LRS.length - 3 });
    expectSameLosses(replayed.losses, stepped.losses);
    expectSameState(replayed.state, stepped.state);
  }, 300_000);

  it('replays the step with f16 activation storage: the same fusions, the same state', async () => {
    // At 1/100 of the learning rates. Rounding to f16 is a step function: once the BN statistics
    // are summed by tiles (fuse-stats.ts) and the backward sums too (fuse-sums.ts), a value
    // within ~1e-7 of a rounding boundary can land on the other side, by 2^-11 of itself, and
    // the trajectories part by such flips, not by the 1e-7 (f32 agrees to 1e-6 here).
    const replayed = await train(split, true, -1, true, 0.01);
    const stepped = await train(split, false, -1, true, 0.01);
    const f32 = await train(split, false, -1, false, 0.01);
    // Every fusion still finds its pattern when the conv outputs are f16 pairs.
    expect(replayed.status).toMatchObject({
      recordings: 1,
      replays: LRS.length - 2,
      refused: null,
      gradPairs: 4,
      statsFused: 7,
      sumsFused: 4,
      applyFused: 1,
    });
    // Step 1 runs through tfjs, step 2 is recorded: both exactly the tfjs step.
    expect(replayed.losses.slice(0, 2)).toEqual(stepped.losses.slice(0, 2));
    const worst = Math.max(...replayed.losses.map((l, i) => Math.abs(l - stepped.losses[i]!)));
    expect(worst).toBeLessThan(5e-4);
    // Measured: 3.8e-5 from the f16 tfjs step, which is 4.7e-4 from the f32 step.
    expect(maxRelDiff(replayed.state, stepped.state)).toBeLessThan(1.5e-4);
    expect(maxRelDiff(f32.state, stepped.state)).toBeGreaterThan(3e-4);
  }, 300_000);

  it('keeps replaying through the training session: loss readbacks, validation', async () => {
    const data = await cifarDataset(16, 8);
    const config = { ...defaultConfig(), batchSize: BATCH, trainSize: 16 };
    const session = new TrainingSession<number>(config, data, { modelOverride: 'resnet8' });
    const losses: number[] = [];
    for (let s = 0; s < 6; s++) {
      await session.step(s, LRS[s]!, MOMS[s]!, s);
      if (s % 2 === 1) losses.push(...(await session.drain()).map((p) => p.loss));
      if (s === 3) expect((await session.validate(s + 1, 8)).loss).toBeGreaterThan(0);
    }
    // One step through tfjs, one recorded, four replayed: neither readbacks nor validation
    // (which reads the same weights) force a new recording.
    expect(session.replayStatus()).toMatchObject({ recordings: 1, replays: 4, refused: null });
    expect(losses).toHaveLength(6);
    expect(losses.every(Number.isFinite)).toBe(true);
    session.dispose();
  }, 300_000);

  it('passes on an error thrown while recording, and records the next step', async () => {
    let calls = 0;
    const body = (x: tf.Tensor4D) => {
      if (++calls === 2) throw new Error('lost device');
      return tf.sum(x) as tf.Scalar;
    };
    const replayer = StepReplayer.create(body)!;
    const hyper = Float32Array.of(0.1, 0.9, 0);
    const stepWith = async (s: number) => {
      const xRaw = tf.fill([1, 2, 2, 3], s) as tf.Tensor4D;
      const labels = tf.tensor1d([0], 'int32');
      try {
        const loss = replayer.step({ xRaw, labels, boxes: null, hyper });
        const value = (await loss.data())[0]!;
        loss.dispose();
        return value;
      } finally {
        tf.dispose([xRaw, labels]);
      }
    };
    const before = tf.memory().numTensors;
    expect(await stepWith(1)).toBe(12);
    await expect(stepWith(2)).rejects.toThrow('lost device');
    expect(await stepWith(3)).toBe(36); // recorded
    expect(await stepWith(4)).toBe(48); // replayed: the slot holds the new batch
    expect(replayer.report()).toMatchObject({ recordings: 1, replays: 1, refused: null });
    replayer.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  it('refuses to record a step that uploads from the host, and keeps stepping through tfjs', async () => {
    // A body with a constant made inside it: a replay would freeze its upload.
    const body = (x: tf.Tensor4D) => tf.tidy(() => tf.sum(tf.add(x, tf.scalar(1))) as tf.Scalar);
    const replayer = StepReplayer.create(body)!;
    const hyper = Float32Array.of(0.1, 0.9, 0);
    const sums: number[] = [];
    for (let s = 0; s < 3; s++) {
      const xRaw = tf.fill([1, 2, 2, 3], s) as tf.Tensor4D;
      const labels = tf.tensor1d([0], 'int32');
      const loss = replayer.step({ xRaw, labels, boxes: null, hyper });
      sums.push((await loss.data())[0]!);
      tf.dispose([xRaw, labels, loss]);
    }
    expect(replayer.report()).toMatchObject({ recordings: 1, replays: 0, dispatches: null });
    expect(replayer.report().refused).toMatch(/host upload/);
    expect(sums).toEqual([12, 24, 36]);
    replayer.dispose();
  });
});
