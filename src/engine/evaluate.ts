/**
 * Inference-mode evaluation on the first `count` images of a split: mean loss, top-1, top-5.
 * Batches keep the training batch shape (the WebGPU buffer pool keys by exact size); the last
 * partial batch is padded and masked. Sums accumulate on the GPU and are read once.
 */
import * as tf from '@tensorflow/tfjs';
import type { DatasetName } from '../core/config';
import { InputPipeline } from './augment';
import { BatchAssembler } from './batch';
import type { SplitData } from './data/types';
import { evalSums } from './loss';
import type { Model } from './models';

export interface EvalResult {
  loss: number;
  top1: number;
  top5: number;
}

export async function evaluate(
  model: Model,
  split: SplitData,
  count: number,
  opts: { batchSize: number; numClasses: number; dataset: DatasetName },
): Promise<EvalResult> {
  await split.ensure(count);
  const assembler = new BatchAssembler(opts.batchSize);
  const pipeline = new InputPipeline(opts.batchSize, opts.dataset, 0);
  let acc: tf.Tensor1D = tf.zeros([3]);
  try {
    for (let start = 0; start < count; start += opts.batchSize) {
      const len = Math.min(opts.batchSize, count - start);
      const indices = Array.from({ length: len }, (_, i) => start + i);
      const { x, y } = assembler.assemble(split, indices);
      const next = tf.tidy(() => {
        const maskValues = new Float32Array(opts.batchSize);
        maskValues.fill(1, 0, len);
        const logits = model.apply(pipeline.normalize(x), false);
        const oneHot = tf.oneHot(y, opts.numClasses) as tf.Tensor2D;
        return tf.add(acc, evalSums(logits, oneHot, tf.tensor1d(maskValues))) as tf.Tensor1D;
      });
      tf.dispose([x, y, acc]);
      acc = next;
    }
    const [loss, top1, top5] = await acc.data();
    return { loss: loss! / count, top1: top1! / count, top5: top5! / count };
  } finally {
    acc.dispose();
    pipeline.dispose();
  }
}
