/**
 * Validation through a recorded plan (eval-replayer.ts) against the same evaluation through
 * tfjs, on WebGPU in Node with real CIFAR-10 records, between replayed training steps: the plan
 * must read the weights the training replays update in place, mask the padded last batch, and
 * really replay.
 */
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { defaultConfig } from '../../core/config';
import type { LoadedDataset } from '../data/types';
import { evaluate, type EvalResult } from '../evaluate';
import { evalSums, topKCutoffs } from '../loss';
import { TrainingSession } from '../session';
import { useBackend } from '../testing/backend.node.js';
import { cifarDataset } from '../testing/cifar.node.js';

const BATCH = 4;
/** Not a multiple of the batch: the last of three batches is half padding. */
const VAL = 10;

describe('replaying validation batches on WebGPU', () => {
  let data: LoadedDataset;
  beforeAll(async () => {
    await useBackend('webgpu');
    data = await cifarDataset(16, VAL);
  });

  it('gives what evaluating through tfjs gives, with the weights training has reached', async () => {
    const before = tf.memory().numTensors;
    const config = { ...defaultConfig(), batchSize: BATCH, trainSize: 16 };
    const session = new TrainingSession<number>(config, data, { modelOverride: 'resnet8' });
    const opts = { batchSize: BATCH, numClasses: 10, dataset: config.dataset };
    const replayed: EvalResult[] = [];
    const stepped: EvalResult[] = [];
    for (let s = 0; s < 8; s++) {
      await session.step(s, 0.2, 0.9, s);
      if (s % 2 === 1) {
        replayed.push((await session.validate(s + 1, VAL)) as EvalResult);
        stepped.push(await evaluate(session.model, data.test, VAL, opts));
      }
    }
    await session.drain();
    // Four validations of three batches: the first through tfjs, the second recorded, ten replays.
    expect(session.evalReplayStatus()).toMatchObject({ recordings: 1, replays: 10, refused: null });
    expect(session.evalReplayStatus()!.dispatches).toBeGreaterThan(10);
    // The training step kept replaying too: validation does not disturb its plan.
    expect(session.replayStatus()).toMatchObject({ recordings: 1, replays: 6 });
    replayed.forEach((r, i) => {
      const t = stepped[i]!;
      expect(r.loss).toBeCloseTo(t.loss, 5);
      expect([r.top1, r.top5]).toEqual([t.top1, t.top5]);
      // Whole images out of VAL: the padding's mask is 0.
      expect(Number.isInteger(r.top1 * VAL) && Number.isInteger(r.top5 * VAL)).toBe(true);
    });
    // Training at LR 0.2 moves the weights: a plan that froze them would repeat one loss.
    expect(new Set(replayed.map((r) => r.loss.toFixed(5))).size).toBe(replayed.length);
    session.dispose();
    expect(tf.memory().numTensors).toBe(before);
  }, 300_000);
});

describe('evalSums', () => {
  it('sums the masked examples: loss, and top-1 and top-5 hits', async () => {
    // Example 0: the true class (2) has one class above it: a top-5 hit, a top-1 miss. Example
    // 1: the true class (1) is highest. Example 2 is padding (mask 0), and would be a top-1 hit.
    const rows = [
      [3, 1, 2, 0, 0, 0, 0],
      [0, 5, 1, 0, 0, 0, 0],
      [9, 0, 0, 0, 0, 0, 0],
    ];
    const labels = [2, 1, 0];
    const cutoffs = topKCutoffs();
    const sums = tf.tidy(() =>
      evalSums(
        tf.tensor2d(rows),
        tf.oneHot(tf.tensor1d(labels, 'int32'), 7) as tf.Tensor2D,
        tf.tensor1d([1, 1, 0]),
        cutoffs,
      ),
    );
    const xent = (r: number[], y: number) =>
      Math.log(r.reduce((s, v) => s + Math.exp(v), 0)) - r[y]!;
    const [loss, top1, top5] = await sums.data();
    expect(loss).toBeCloseTo(xent(rows[0]!, 2) + xent(rows[1]!, 1), 5);
    expect([top1, top5]).toEqual([1, 2]);
    tf.dispose([sums, cutoffs]);
  });
});
