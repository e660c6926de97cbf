/**
 * Checkpoints and resume on tfjs's cpu backend with real CIFAR-10 records: a run resumed from a
 * checkpoint (packed and unpacked as IndexedDB would store it) computes the same losses as the
 * run that was never interrupted; Pause and Stop save one where they land.
 */
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { packCheckpoint, unpackCheckpoint } from '../core/checkpoint';
import { defaultConfig, type TrainConfig } from '../core/config';
import { toCheckpointConfig } from '../core/config-travel';
import type { TrainPoint, ValPoint } from '../core/run';
import type { LoadedDataset } from './data/types';
import { runTraining, type EngineEvent, type TrainState } from './run';
import { cifarDataset } from './testing/cifar.node.js';

let data: LoadedDataset;
/** The uninterrupted run that every resumed one is compared with. */
let whole: Outcome;

beforeAll(async () => {
  await tf.setBackend('cpu');
  data = await cifarDataset(32, 16);
  whole = await train();
});

// ResNet-8 has batch-norm running statistics and momentum buffers: all of them must be restored.
const config: TrainConfig = {
  ...defaultConfig(),
  model: 'shallow3',
  trainSize: 32,
  valSize: 16,
  batchSize: 8,
  epochs: 2,
  lrMin: 0.02,
  lrMax: 0.2,
  augment: 'on',
  seed: 11,
};

interface Outcome {
  result: string;
  train: TrainPoint[];
  val: ValPoint[];
  states: TrainState[];
}

/** Trains (from a checkpoint, if given) to the end or for `maxSteps` steps. */
async function train(resumeFrom?: TrainState, maxSteps = Infinity): Promise<Outcome> {
  let steps = 0;
  const events: EngineEvent[] = [];
  const states: TrainState[] = [];
  const resume = resumeFrom
    ? unpackCheckpoint(
        structuredClone(
          packCheckpoint(
            { runId: 'r', config: toCheckpointConfig(config), savedAt: 0, ...resumeFrom },
            resumeFrom.tensors,
            resumeFrom.shapes,
          ),
        ),
      )
    : undefined;
  const result = await runTraining(
    config,
    data,
    { emit: (e) => events.push(e), checkpoint: async () => steps++ < maxSteps },
    {
      modelOverride: 'resnet8',
      readbackEvery: 2,
      // Every readback: checkpoints mid-epoch as well as at the epoch's end.
      checkpointEverySec: 0,
      onCheckpoint: (s) => states.push(s),
      ...(resume ? { resumeFrom: resume } : {}),
    },
  );
  return {
    result,
    train: events.flatMap((e) => (e.type === 'trainPoints' ? e.points : [])),
    val: events.flatMap((e) => (e.type === 'valPoint' ? [e.point] : [])),
    states,
  };
}

describe('checkpoint and resume', () => {
  it('checkpoints at readbacks and epoch ends, with momentum and batch-norm state', () => {
    expect(whole.result).toBe('done');
    expect(whole.train.map((p) => p.step)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    // After steps 2, 4 (the first epoch's end) and 6; none after the last step.
    expect(whole.states.map((s) => s.step)).toEqual([2, 4, 6]);
    const state = whole.states[0]!;
    expect(state.tensors.velocities.some((v) => v.some((x) => x !== 0))).toBe(true);
    expect(state.tensors.stats.length).toBeGreaterThan(0);
    expect(state.tensors.velocities.map((v) => v.length)).toEqual(
      state.tensors.params.map((p) => p.length),
    );
  });

  it('a run resumed mid-epoch continues exactly as the uninterrupted one', async () => {
    const before = tf.memory().numTensors;
    const resumed = await train(whole.states[0]);
    expect(resumed.result).toBe('done');
    const expected = whole.train.filter((p) => p.step > 2);
    expect(resumed.train.map((p) => p.step)).toEqual([3, 4, 5, 6, 7, 8]);
    resumed.train.forEach((p, i) => {
      // The same LR and momentum (schedule position) and the same loss (weights, momentum
      // buffers, BN statistics, data order across the epoch boundary, augmentation).
      expect(p.lr).toBeCloseTo(expected[i]!.lr, 10);
      expect(p.momentum).toBeCloseTo(expected[i]!.momentum, 10);
      expect(p.loss).toBeCloseTo(expected[i]!.loss, 4);
    });
    expect(resumed.val.map((v) => v.step)).toEqual([4, 8]);
    expect(resumed.val.at(-1)!.loss).toBeCloseTo(whole.val.at(-1)!.loss, 4);
    expect(resumed.val.at(-1)!.top1).toBe(whole.val.at(-1)!.top1);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('without the momentum buffers the losses differ (the comparison above can fail)', async () => {
    const state = whole.states[0]!;
    const zeroed: TrainState = {
      ...state,
      tensors: {
        ...state.tensors,
        velocities: state.tensors.velocities.map((v) => new Float32Array(v.length)),
      },
    };
    const resumed = await train(zeroed, 2);
    expect(resumed.train.map((p) => p.step)).toEqual([3, 4]);
    const diff = Math.abs(resumed.train[1]!.loss - whole.train[3]!.loss);
    expect(diff).toBeGreaterThan(1e-4);
  });

  /**
   * Runs until step `at`, where a pause or a stop lands; a paused run then ends without a
   * chance to save (the tab is closed). Periodic checkpoints are off until the epoch's end.
   */
  async function cutOff(how: 'pause' | 'stop', at: number, saveOnStop: boolean) {
    let steps = 0;
    const states: TrainState[] = [];
    const result = await runTraining(
      config,
      data,
      {
        emit: () => {},
        pauseRequested: () => how === 'pause' && steps === at,
        checkpoint: async () => {
          // At `at`: the Stop, or the closed tab of the paused run.
          if (steps === at) return false;
          steps++;
          return true;
        },
        checkpointOnStop: () => saveOnStop,
      },
      {
        modelOverride: 'resnet8',
        readbackEvery: 2,
        onCheckpoint: (st) => states.push(st),
      },
    );
    expect(result).toBe('stopped');
    return states;
  }

  it('Pause saves a checkpoint at the step it lands on; resumed, the run goes on from there', async () => {
    // Step 3: mid-epoch, its loss still pending (read back every 2 steps), before any other save.
    const states = await cutOff('pause', 3, false);
    expect(states.map((st) => st.step)).toEqual([3]);
    // Two steps on, across the epoch's end: the same losses as the uninterrupted run.
    const resumed = await train(states[0], 2);
    expect(resumed.train.map((p) => p.step)).toEqual([4, 5]);
    const expected = whole.train.filter((p) => p.step > 3);
    resumed.train.forEach((p, i) => expect(p.loss).toBeCloseTo(expected[i]!.loss, 4));
  });

  it('Stop saves a checkpoint at the step it lands on, unless the worker says not to', async () => {
    expect((await cutOff('stop', 1, true)).map((st) => st.step)).toEqual([1]);
    // A lost device: nothing is read back, and no other checkpoint was due by step 1.
    expect(await cutOff('stop', 1, false)).toEqual([]);
  });

  it('refuses a checkpoint of a run with another length', async () => {
    await expect(train({ ...whole.states[0]!, totalSteps: 99 })).rejects.toThrow(/99-step run/);
  });
});
