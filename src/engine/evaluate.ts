/**
 * Inference-mode evaluation on the first `count` images of a split: mean loss, top-1, top-5.
 * Batches keep the training batch shape (the WebGPU buffer pool keys by exact size, and a
 * replayed plan by its slots); the last partial batch is padded and masked. Sums accumulate on
 * the GPU and are read once. On WebGPU an `Evaluator` that lives as long as its training run
 * replays a recorded plan of the batch (replay/eval-replayer.ts) instead of building each
 * kernel through tfjs.
 */
import * as tf from '@tensorflow/tfjs';
import type { DatasetName } from '../core/config';
import { InputPipeline } from './augment';
import { BatchAssembler } from './batch';
import type { SplitData } from './data/types';
import { evalSums, topKCutoffs } from './loss';
import type { Model } from './models';
import { EvalReplayer } from './replay/eval-replayer';
import type { ReplayStatus } from './replay/plan-runner';

export interface EvalResult {
  loss: number;
  top1: number;
  top5: number;
}

export interface EvalOptions {
  batchSize: number;
  numClasses: number;
  dataset: DatasetName;
  /** Replay a recorded plan on WebGPU (default true); false always steps through tfjs. */
  replay?: boolean;
}

export class Evaluator {
  private readonly assembler: BatchAssembler;
  /** Made once, so that the batch's kernels read only tensors made before it (replayable). */
  private readonly pipeline: InputPipeline;
  private readonly cutoffs: tf.Tensor2D;
  private readonly replayer: EvalReplayer | null;

  constructor(
    private readonly model: Model,
    private readonly opts: EvalOptions,
  ) {
    this.assembler = new BatchAssembler(opts.batchSize);
    this.pipeline = new InputPipeline(opts.batchSize, opts.dataset, 0);
    this.cutoffs = topKCutoffs();
    this.replayer = (opts.replay ?? true) ? EvalReplayer.create(this.body) : null;
  }

  /** One batch's [loss, top-1, top-5] sums over the examples whose mask is 1. */
  private readonly body = (x: tf.Tensor4D, labels: tf.Tensor1D, mask: tf.Tensor1D) =>
    tf.tidy(() => {
      const logits = this.model.apply(this.pipeline.normalize(x), false);
      const oneHot = tf.oneHot(labels, this.opts.numClasses) as tf.Tensor2D;
      return evalSums(logits, oneHot, mask, this.cutoffs);
    });

  /**
   * One batch's sums [loss, top-1, top-5] over the examples whose `mask` is 1: a fresh tensor
   * the caller disposes. `x` holds raw pixels [batch, 32, 32, 3].
   */
  batch(x: tf.Tensor4D, labels: tf.Tensor1D, mask: Float32Array<ArrayBuffer>): tf.Tensor1D {
    if (this.replayer) return this.replayer.run(x, labels, mask);
    return tf.tidy(() => this.body(x, labels, tf.tensor1d(mask)));
  }

  async run(split: SplitData, count: number): Promise<EvalResult> {
    await split.ensure(count);
    const { batchSize } = this.opts;
    let acc: tf.Tensor1D = tf.zeros([3]);
    try {
      for (let start = 0; start < count; start += batchSize) {
        const len = Math.min(batchSize, count - start);
        const indices = Array.from({ length: len }, (_, i) => start + i);
        const { x, y } = this.assembler.assemble(split, indices);
        const mask = new Float32Array(batchSize);
        mask.fill(1, 0, len);
        const sums = this.batch(x, y, mask);
        const next = tf.add(acc, sums) as tf.Tensor1D;
        tf.dispose([x, y, acc, sums]);
        acc = next;
      }
      const [loss, top1, top5] = await acc.data();
      return { loss: loss! / count, top1: top1! / count, top5: top5! / count };
    } finally {
      acc.dispose();
    }
  }

  /** How batches run on WebGPU (recorded and replayed), or null through tfjs. */
  replayStatus(): ReplayStatus | null {
    return this.replayer?.report() ?? null;
  }

  dispose(): void {
    this.replayer?.dispose();
    this.pipeline.dispose();
    this.cutoffs.dispose();
  }
}

/**
 * A one-off evaluation through tfjs: for weights that change between calls (the topology
 * line assigns new ones at every point), where a recorded plan would be recorded anew each time.
 */
export async function evaluate(
  model: Model,
  split: SplitData,
  count: number,
  opts: EvalOptions,
): Promise<EvalResult> {
  const evaluator = new Evaluator(model, { ...opts, replay: false });
  try {
    return await evaluator.run(split, count);
  } finally {
    evaluator.dispose();
  }
}
