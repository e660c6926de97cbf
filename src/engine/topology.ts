/**
 * The loss-topology experiment: snapshots of one run's weights, and train / validation loss
 * along the line w(α) = α·w1 + (1−α)·w2 between two of them (Smith's Part I, after Goodfellow
 * et al. 2015). BN running statistics are interpolated with the weights, so α = 0 and α = 1
 * reproduce the snapshots exactly.
 */
import * as tf from '@tensorflow/tfjs';
import type { DatasetName } from '../core/config';
import { TOPOLOGY_ALPHAS, type TopologyPoint } from '../core/topology';
import type { SplitData } from './data/types';
import { evaluate } from './evaluate';
import { buildModel, type Model, type ModelId } from './models';

export { TOPOLOGY_ALPHAS, type TopologyPoint };

/** Cloned weights of one moment of a run; kept in the worker until disposed. */
export interface WeightSnapshot {
  step: number;
  modelId: ModelId;
  numClasses: number;
  params: tf.Tensor[];
  stats: tf.Tensor[];
}

export function takeSnapshot(model: Model, step: number, numClasses: number): WeightSnapshot {
  return {
    step,
    modelId: model.id,
    numClasses,
    params: model.params.map((p) => tf.clone(p)),
    stats: model.stats.map((s) => tf.clone(s)),
  };
}

export function disposeSnapshot(s: WeightSnapshot): void {
  tf.dispose([...s.params, ...s.stats]);
}

export interface LineOptions {
  alphas?: readonly number[];
  /** The first `trainCount` training images (no augmentation) and `valCount` test images. */
  trainCount: number;
  valCount: number;
  batchSize: number;
  dataset: DatasetName;
  /** Resolves false to stop between points (the page's Stop). */
  checkpoint?: () => Promise<boolean>;
}

/** Sets every variable of `model` to α·w1 + (1−α)·w2; variances stay non-negative. */
function assignLine(
  model: Model,
  w1: WeightSnapshot,
  w2: WeightSnapshot,
  alpha: number,
  isVariance: readonly boolean[],
): void {
  tf.tidy(() => {
    const mix = (a: tf.Tensor, b: tf.Tensor) => tf.add(tf.mul(a, alpha), tf.mul(b, 1 - alpha));
    model.params.forEach((p, i) => p.assign(mix(w1.params[i]!, w2.params[i]!)));
    model.stats.forEach((s, i) => {
      const v = mix(w1.stats[i]!, w2.stats[i]!);
      // Beyond the segment (α < 0 or > 1) an extrapolated variance could turn negative.
      s.assign(isVariance[i] ? tf.relu(v) : v);
    });
  });
}

/**
 * Evaluates train and validation loss at each α, in inference mode, on fixed subsets. Returns the
 * points computed so far if `checkpoint` stops it. Frees every tensor it made.
 */
export async function evaluateLine(
  w1: WeightSnapshot,
  w2: WeightSnapshot,
  data: { train: SplitData; test: SplitData },
  opts: LineOptions,
): Promise<TopologyPoint[]> {
  if (w1.modelId !== w2.modelId || w1.params.length !== w2.params.length)
    throw new Error('The two snapshots come from different models');
  const model = buildModel(w1.modelId, w1.numClasses, 0);
  try {
    // A fresh model's running variances start at 1 and its means at 0: that tells them apart.
    const isVariance = model.stats.map((s) => s.dataSync()[0] === 1);
    const evalOpts = {
      batchSize: opts.batchSize,
      numClasses: w1.numClasses,
      dataset: opts.dataset,
    };
    const trainCount = Math.min(opts.trainCount, data.train.total);
    const valCount = Math.min(opts.valCount, data.test.total);
    const points: TopologyPoint[] = [];
    for (const alpha of opts.alphas ?? TOPOLOGY_ALPHAS) {
      if (opts.checkpoint && !(await opts.checkpoint())) break;
      assignLine(model, w1, w2, alpha, isVariance);
      const train = await evaluate(model, data.train, trainCount, evalOpts);
      const val = await evaluate(model, data.test, valCount, evalOpts);
      points.push({
        alpha,
        trainLoss: train.loss,
        valLoss: val.loss,
        trainTop1: train.top1,
        valTop1: val.top1,
      });
    }
    return points;
  } finally {
    model.dispose();
  }
}
