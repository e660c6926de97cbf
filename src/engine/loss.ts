/** Cross-entropy and top-k counts from logits. */
import * as tf from '@tensorflow/tfjs';

/** Mean softmax cross-entropy over the batch. */
export function crossEntropy(logits: tf.Tensor2D, oneHot: tf.Tensor2D): tf.Scalar {
  return tf.tidy(
    () => tf.neg(tf.mean(tf.sum(tf.mul(oneHot, tf.logSoftmax(logits)), 1))) as tf.Scalar,
  );
}

/** The top-k cut-offs `evalSums` compares with, [[1], [5]]: made once by its caller. */
export const topKCutoffs = (): tf.Tensor2D => tf.tensor2d([[1], [5]]);

/**
 * Per-batch sums [loss, top-1 hits, top-5 hits] over the examples whose mask is 1 (padding of
 * the last partial evaluation batch has mask 0). A hit at k means fewer than k classes score
 * strictly higher than the true class. The cut-offs come in as a tensor (`topKCutoffs`), not as
 * literals, since a literal is a host upload that a replayed plan could not repeat.
 */
export function evalSums(
  logits: tf.Tensor2D,
  oneHot: tf.Tensor2D,
  mask: tf.Tensor1D,
  cutoffs: tf.Tensor2D,
): tf.Tensor1D {
  return tf.tidy(() => {
    const perExample = tf.neg(tf.sum(tf.mul(oneHot, tf.logSoftmax(logits)), 1));
    const trueLogit = tf.sum(tf.mul(oneHot, logits), 1, true);
    const higher = tf.sum(tf.cast(tf.greater(logits, trueLogit), 'float32'), 1);
    const hits = tf.cast(tf.less(tf.expandDims(higher, 0), cutoffs), 'float32'); // [2, batch]
    const rows = tf.concat([tf.expandDims(perExample, 0), hits]);
    return tf.sum(tf.mul(rows, mask), 1) as tf.Tensor1D;
  });
}
