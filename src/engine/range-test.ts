/**
 * The LR range test: a fresh model from the configuration's seed trained for N iterations while
 * the LR sweeps from start to end (momentum constant at momMax, the configuration's weight decay).
 * Train losses are read back every few steps, the validation loss and accuracy of a fixed subset
 * every ~N/20 steps, and the sweep stops once the smoothed loss diverges. Every tensor is freed:
 * no trained weights outlive the test.
 */
import * as tf from '@tensorflow/tfjs';
import type { TrainConfig } from '../core/config';
import { RangeTracker, rangeLr, rangeSpecErrors, type RangeSpec } from '../core/range-test';
import { readbackInterval } from '../core/readback';
import type { TrainPoint } from '../core/run';
import { BatchAssembler } from './batch';
import type { LoadedDataset } from './data/types';
import { evaluate } from './evaluate';
import { LossQueue } from './loss-queue';
import { buildModel, type ModelId } from './models';
import { epochOrder } from './order';
import type { EngineEvent, RunHooks } from './run';
import { createTrainStep } from './train-step';

export type RangeEngineEvent =
  | EngineEvent
  /** The sweep's end: the LR and step where it diverged, or nulls when it ran to the end. */
  | { type: 'rangeResult'; divergedAt: number | null; divergedStep: number | null };

export interface RangeHooks extends Omit<RunHooks, 'emit'> {
  emit(e: RangeEngineEvent): void;
}

export interface RangeOptions {
  modelOverride?: ModelId;
  /** Steps between loss readbacks (default: core's readbackInterval of the sweep length). */
  readbackEvery?: number;
  /** Steps between validation passes (default: about 10 passes per sweep). */
  evalEvery?: number;
  /** Validation images, a fixed prefix of the test split (default min(valSize, 512)). */
  valImages?: number;
}

/** Most validation images per pass: enough to rank LRs, cheap enough to repeat ~20 times. */
export const RANGE_VAL_IMAGES = 512;

export async function runRangeTest(
  config: TrainConfig,
  range: RangeSpec,
  data: LoadedDataset,
  hooks: RangeHooks,
  opts: RangeOptions = {},
): Promise<'done' | 'stopped' | 'diverged'> {
  const problems = rangeSpecErrors(range);
  if (problems.length) throw new Error(problems.join('; '));
  const numClasses = data.manifest.classes.length;
  const n = Math.min(config.trainSize, data.train.total);
  const batchSize = config.batchSize;
  const stepsPerEpoch = Math.floor(n / batchSize);
  if (stepsPerEpoch < 1)
    throw new Error(`Batch size ${batchSize} exceeds the ${n} training images`);
  const total = range.steps;
  const readbackEvery = Math.max(1, opts.readbackEvery ?? readbackInterval(total));
  // ~10 readings of the validation curves are enough to see where they turn; each costs a pass.
  const evalEvery = Math.max(1, opts.evalEvery ?? Math.round(total / 10));
  const valImages = Math.min(
    opts.valImages ?? Math.min(config.valSize, RANGE_VAL_IMAGES),
    data.test.total,
  );
  const momentum = config.momMax;

  const model = buildModel(opts.modelOverride ?? config.model, numClasses, config.seed);
  const trainer = createTrainStep(model, {
    weightDecay: config.wd,
    numClasses,
    dataset: config.dataset,
    seed: config.seed + 1,
    augment: config.augment !== 'off',
  });
  const assembler = new BatchAssembler(batchSize);
  const queue = new LossQueue<{ step: number; lr: number }>();
  const tracker = new RangeTracker();
  const startedAt = performance.now();
  let trainMs = 0;

  /** Reads pending losses; emits them up to and including a divergence; returns that point. */
  async function flush(): Promise<{ step: number; lr: number } | null> {
    const read = await queue.drain();
    const points: TrainPoint[] = [];
    let diverged: { step: number; lr: number } | null = null;
    for (const { meta, loss } of read) {
      if (Number.isFinite(loss)) points.push({ step: meta.step, loss, lr: meta.lr, momentum });
      if (tracker.push(loss).diverged) {
        diverged = meta;
        break;
      }
    }
    if (points.length) hooks.emit({ type: 'trainPoints', points });
    return diverged;
  }

  function progress(step: number): void {
    const rate = trainMs > 0 ? (step * batchSize * 1000) / trainMs : 0;
    hooks.emit({
      type: 'progress',
      epoch: Math.floor((step - 1) / stepsPerEpoch) + 1,
      epochs: Math.ceil(total / stepsPerEpoch),
      step,
      totalSteps: total,
      imagesPerSec: rate,
      etaSec: rate > 0 ? ((total - step) * batchSize) / rate : null,
    });
  }

  function end(diverged: { step: number; lr: number } | null): 'done' | 'diverged' {
    hooks.emit({
      type: 'rangeResult',
      divergedAt: diverged?.lr ?? null,
      divergedStep: diverged?.step ?? null,
    });
    return diverged ? 'diverged' : 'done';
  }

  try {
    let order = epochOrder(0, n, config.seed);
    for (let step = 1; step <= total; step++) {
      if (hooks.pauseRequested?.() && queue.length > 0) {
        const bad = await flush();
        if (bad) return end(bad);
      }
      if (!(await hooks.checkpoint())) {
        await flush();
        return 'stopped';
      }
      const s = (step - 1) % stepsPerEpoch;
      if (s === 0 && step > 1) order = epochOrder((step - 1) / stepsPerEpoch, n, config.seed);
      const indices = order.subarray(s * batchSize, (s + 1) * batchSize);
      let maxIndex = 0;
      for (const i of indices) maxIndex = Math.max(maxIndex, i);
      if (maxIndex >= data.train.available) await data.train.ensure(maxIndex + 1);

      const t0 = performance.now();
      const lr = rangeLr(step - 1, range);
      const { x, y } = assembler.assemble(data.train, indices);
      queue.push(trainer.step(x, y, lr, momentum), { step, lr });
      tf.dispose([x, y]);

      const isEval = step % evalEvery === 0 || step === total;
      if (queue.length >= readbackEvery || isEval) {
        const bad = await flush();
        trainMs += performance.now() - t0;
        progress(step);
        if (bad) return end(bad);
      } else {
        trainMs += performance.now() - t0;
      }
      if (isEval) {
        const result = await evaluate(model, data.test, valImages, {
          batchSize,
          numClasses,
          dataset: config.dataset,
        });
        hooks.emit({
          type: 'valPoint',
          point: {
            step,
            epoch: step / stepsPerEpoch,
            ...result,
            lr,
            elapsedSec: (performance.now() - startedAt) / 1000,
          },
        });
      }
    }
    return end(null);
  } finally {
    queue.dispose();
    trainer.dispose();
    model.dispose();
  }
}
