/**
 * The training loop: seeded data order, CPU batch assembly, one GPU step per batch with the
 * scheduled LR/momentum, losses read back every k steps (never every step), validation each epoch.
 */
import * as tf from '@tensorflow/tfjs';
import type { TrainConfig } from '../core/config';
import type { Progress, RunState, TrainPoint, ValPoint } from '../core/run';
import { scheduleAt } from '../core/schedules';
import { scheduleFromConfig } from '../core/schedules/from-config';
import { BatchAssembler } from './batch';
import type { LoadedDataset } from './data/types';
import { evaluate } from './evaluate';
import { LossQueue } from './loss-queue';
import { buildModel, type ModelId } from './models';
import { epochOrder } from './order';
import { takeSnapshot, type WeightSnapshot } from './topology';
import { createTrainStep } from './train-step';

export type EngineEvent =
  | { type: 'trainPoints'; points: TrainPoint[] }
  | { type: 'valPoint'; point: ValPoint }
  | ({ type: 'progress' } & Progress)
  | { type: 'state'; state: RunState; message?: string };

export interface RunHooks {
  emit(e: EngineEvent): void;
  /** Resolves true to continue (waits while paused), false to stop. */
  checkpoint(): Promise<boolean>;
  /** True once a pause is asked for: the loop drains its pending losses before it waits. */
  pauseRequested?(): boolean;
}

export interface RunOptions {
  modelOverride?: ModelId;
  /** Steps between loss readbacks (default 20). */
  readbackEvery?: number;
  /** Validation passes per epoch (default 1, at the end of each epoch). */
  evalsPerEpoch?: number;
  /** Steps after which the weights are cloned and handed to `onSnapshot` (loss topology). */
  snapshotSteps?: readonly number[];
  /** Receives each snapshot; the receiver owns (and disposes) its tensors. */
  onSnapshot?(snapshot: WeightSnapshot): void;
}

/** What a queued loss was computed with. */
interface Pending {
  step: number;
  lr: number;
  momentum: number;
}

export async function runTraining(
  config: TrainConfig,
  data: LoadedDataset,
  hooks: RunHooks,
  opts: RunOptions = {},
): Promise<'done' | 'stopped' | 'diverged'> {
  const numClasses = data.manifest.classes.length;
  const n = Math.min(config.trainSize, data.train.total);
  const batchSize = config.batchSize;
  const stepsPerEpoch = Math.floor(n / batchSize);
  if (stepsPerEpoch < 1)
    throw new Error(`Batch size ${batchSize} exceeds the ${n} training images`);
  const totalSteps = stepsPerEpoch * config.epochs;
  const valSize = Math.min(config.valSize, data.test.total);
  const readbackEvery = Math.max(1, opts.readbackEvery ?? 20);
  const evalsPerEpoch = Math.max(1, Math.min(stepsPerEpoch, opts.evalsPerEpoch ?? 1));
  const evalSteps = new Set<number>();
  for (let e = 0; e < config.epochs; e++) {
    for (let j = 1; j <= evalsPerEpoch; j++) {
      evalSteps.add(e * stepsPerEpoch + Math.round((j * stepsPerEpoch) / evalsPerEpoch));
    }
  }
  const schedule = scheduleFromConfig(config, stepsPerEpoch);

  const model = buildModel(opts.modelOverride ?? config.model, numClasses, config.seed);
  const trainer = createTrainStep(model, {
    weightDecay: config.wd,
    numClasses,
    dataset: config.dataset,
    seed: config.seed + 1,
    augment: config.augment !== 'off',
  });
  const assembler = new BatchAssembler(batchSize);
  const pending = new LossQueue<Pending>();
  const startedAt = performance.now();
  let windowStart = performance.now();
  let windowSteps = 0;
  let rate = 0;

  /** Reads the pending losses in one transfer; returns the first non-finite one, if any. */
  async function flush(): Promise<{ at: Pending; loss: number } | null> {
    const points: TrainPoint[] = [];
    let bad: { at: Pending; loss: number } | null = null;
    for (const { meta: p, loss } of await pending.drain()) {
      if (!Number.isFinite(loss)) {
        bad = { at: p, loss };
        break;
      }
      points.push({ step: p.step, loss, lr: p.lr, momentum: p.momentum });
    }
    if (points.length) hooks.emit({ type: 'trainPoints', points });
    return bad;
  }

  function diverged(bad: { at: Pending; loss: number }): 'diverged' {
    hooks.emit({
      type: 'state',
      state: 'diverged',
      message: `Loss became ${bad.loss} at step ${bad.at.step} (LR ${bad.at.lr.toPrecision(3)})`,
    });
    return 'diverged';
  }

  function emitProgress(step: number): void {
    const now = performance.now();
    if (windowSteps > 0 && now > windowStart) {
      rate = (windowSteps * batchSize * 1000) / (now - windowStart);
    }
    windowStart = now;
    windowSteps = 0;
    hooks.emit({
      type: 'progress',
      epoch: Math.min(config.epochs, Math.floor(step / stepsPerEpoch) + 1),
      epochs: config.epochs,
      step,
      totalSteps,
      imagesPerSec: rate,
      etaSec: rate > 0 ? ((totalSteps - step) * batchSize) / rate : null,
    });
  }

  try {
    let step = 0;
    for (let epoch = 0; epoch < config.epochs; epoch++) {
      const order = epochOrder(epoch, n, config.seed);
      for (let s = 0; s < stepsPerEpoch; s++) {
        if (hooks.pauseRequested?.() && pending.length > 0) {
          // Everything computed before the pause reaches the chart before the page says paused.
          const bad = await flush();
          if (bad) return diverged(bad);
          emitProgress(step);
        }
        if (!(await hooks.checkpoint())) {
          await flush();
          return 'stopped';
        }
        const indices = order.subarray(s * batchSize, (s + 1) * batchSize);
        let maxIndex = 0;
        for (const i of indices) maxIndex = Math.max(maxIndex, i);
        if (maxIndex >= data.train.available) {
          await data.train.ensure(maxIndex + 1);
          // Loading took wall time that is not training throughput.
          windowStart = performance.now();
          windowSteps = 0;
        }
        const { lr, momentum } = scheduleAt(step, schedule, totalSteps, stepsPerEpoch);
        const { x, y } = assembler.assemble(data.train, indices);
        const loss = trainer.step(x, y, lr, momentum);
        tf.dispose([x, y]);
        step++;
        windowSteps++;
        pending.push(loss, { step, lr, momentum });
        if (opts.onSnapshot && opts.snapshotSteps?.includes(step))
          opts.onSnapshot(takeSnapshot(model, step, numClasses));

        const isEval = evalSteps.has(step);
        if (pending.length >= readbackEvery || isEval || step === totalSteps) {
          const bad = await flush();
          if (bad) return diverged(bad);
          emitProgress(step);
        }
        if (isEval) {
          const result = await evaluate(model, data.test, valSize, {
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
              elapsedSec: (performance.now() - startedAt) / 1000,
            },
          });
          // Evaluation time is not training throughput.
          windowStart = performance.now();
          windowSteps = 0;
        }
      }
    }
    return 'done';
  } finally {
    pending.dispose();
    trainer.dispose();
    model.dispose();
  }
}
