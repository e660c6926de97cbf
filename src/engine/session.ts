/**
 * What the training loop (run.ts) and the LR range test (range-test.ts) share: a model built from
 * the configuration's seed and its train step, batches drawn in the seeded epoch order, losses
 * queued for one readback every few steps, and validation passes. Each loop keeps its own policy
 * (schedule, divergence test, checkpoints); this holds the mechanics and frees every tensor.
 */
import * as tf from '@tensorflow/tfjs';
import type { EngineConfig } from '../core/config';
import type { ValPoint } from '../core/run';
import { runLength } from '../core/run-length';
import { BatchAssembler } from './batch';
import { findVelocities, variableNames } from './checkpoint';
import type { LoadedDataset } from './data/types';
import { Evaluator } from './evaluate';
import { LossQueue } from './loss-queue';
import { buildModel, type Model, type ModelId } from './models';
import { epochOrder } from './order';
import { createTrainStep, type ReplayStatus, type TrainStep } from './train-step';

export interface SessionOptions {
  modelOverride?: ModelId;
  /** The augmentation Rng's seed (default config.seed + 1; a resumed run's continues). */
  augmentSeed?: number;
  /** Seconds the run had already taken (a resumed run), for validation points' elapsed time. */
  elapsedSec?: number;
}

export class TrainingSession<M> {
  readonly model: Model;
  readonly numClasses: number;
  /** Training images drawn from, and whole batches of them per epoch. */
  readonly images: number;
  readonly stepsPerEpoch: number;
  readonly totalSteps: number;
  private readonly trainer: TrainStep;
  private readonly before: Set<string>;
  private readonly assembler: BatchAssembler;
  private readonly evaluator: Evaluator;
  private readonly queue = new LossQueue<M>();
  private readonly startedAt: number;
  private order: { epoch: number; indices: Uint32Array } | null = null;

  constructor(
    private readonly config: EngineConfig,
    private readonly data: LoadedDataset,
    opts: SessionOptions = {},
  ) {
    const length = runLength(config, data.train.total);
    if (length.stepsPerEpoch < 1)
      throw new Error(
        `Batch size ${config.batchSize} exceeds the ${length.images} training images`,
      );
    this.images = length.images;
    this.stepsPerEpoch = length.stepsPerEpoch;
    this.totalSteps = length.totalSteps;
    this.numClasses = data.manifest.classes.length;
    this.model = buildModel(opts.modelOverride ?? config.model, this.numClasses, config.seed);
    this.before = variableNames();
    this.trainer = createTrainStep(this.model, {
      weightDecay: config.wd,
      numClasses: this.numClasses,
      dataset: config.dataset,
      seed: opts.augmentSeed ?? config.seed + 1,
      augment: config.augment !== 'off',
    });
    this.assembler = new BatchAssembler(config.batchSize);
    this.evaluator = new Evaluator(this.model, {
      batchSize: config.batchSize,
      numClasses: this.numClasses,
      dataset: config.dataset,
    });
    this.startedAt = performance.now() - (opts.elapsedSec ?? 0) * 1000;
  }

  /** The train step's momentum buffers, or null where it keeps none a checkpoint can find. */
  velocities(): tf.Variable[] | null {
    return findVelocities(this.model, this.before);
  }

  /** Seconds since the run started (a resumed run's earlier time included). */
  elapsedSec(): number {
    return (performance.now() - this.startedAt) / 1000;
  }

  /**
   * Trains on the batch of 0-based step `step` of the seeded order and queues its loss with
   * `meta`. Resolves to the milliseconds spent loading shards first (time that is not training).
   */
  async step(step: number, lr: number, momentum: number, meta: M): Promise<number> {
    const batchSize = this.config.batchSize;
    const epoch = Math.floor(step / this.stepsPerEpoch);
    if (this.order?.epoch !== epoch)
      this.order = { epoch, indices: epochOrder(epoch, this.images, this.config.seed) };
    const s = step % this.stepsPerEpoch;
    const indices = this.order.indices.subarray(s * batchSize, (s + 1) * batchSize);
    let maxIndex = 0;
    for (const i of indices) maxIndex = Math.max(maxIndex, i);
    let loadMs = 0;
    if (maxIndex >= this.data.train.available) {
      const t0 = performance.now();
      await this.data.train.ensure(maxIndex + 1);
      loadMs = performance.now() - t0;
    }
    const { x, y } = this.assembler.assemble(this.data.train, indices);
    this.queue.push(this.trainer.step(x, y, lr, momentum), meta);
    tf.dispose([x, y]);
    return loadMs;
  }

  /** How the train step runs on WebGPU (recorded and replayed), or null through tfjs. */
  replayStatus(): ReplayStatus | null {
    return this.trainer.replayStatus();
  }

  /** The same for validation batches. */
  evalReplayStatus(): ReplayStatus | null {
    return this.evaluator.replayStatus();
  }

  /** Losses computed and not yet read back. */
  get pending(): number {
    return this.queue.length;
  }

  /** Reads every pending loss in one transfer, in step order. */
  drain(): Promise<{ meta: M; loss: number }[]> {
    return this.queue.drain();
  }

  /** Validation on the first `count` test images after `step` (1-based: steps done). */
  async validate(step: number, count: number): Promise<ValPoint> {
    const result = await this.evaluator.run(this.data.test, count);
    return { step, epoch: step / this.stepsPerEpoch, ...result, elapsedSec: this.elapsedSec() };
  }

  dispose(): void {
    this.queue.dispose();
    this.trainer.dispose();
    this.evaluator.dispose();
    this.model.dispose();
  }
}
