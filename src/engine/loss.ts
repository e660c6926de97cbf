/** Cross-entropy and top-k counts from logits. */
import * as tf from '@tensorflow/tfjs';

/** Mean softmax cross-entropy over the batch. */
export function crossEntropy(logits: tf.Tensor2D, oneHot: tf.Tensor2D): tf.Scalar {
  return tf.tidy(
    () => tf.neg(tf.mean(tf.sum(tf.mul(oneHot, tf.logSoftmax(logits)), 1))) as tf.Scalar,
  );
}

/**
 * Per-batch sums [loss, top-1 hits, top-5 hits] over the examples whose mask is 1 (padding of
 * the last partial evaluation batch has mask 0). A hit at k means fewer than k classes score
 * strictly higher than the true class.
 */
export function evalSums(logits: tf.Tensor2D, oneHot: tf.Tensor2D, mask: tf.Tensor1D): tf.Tensor1D {
  return tf.tidy(() => {
    const perExample = tf.neg(tf.sum(tf.mul(oneHot, tf.logSoftmax(logits)), 1));
    const trueLogit = tf.sum(tf.mul(oneHot, logits), 1, true);
    const higher = tf.sum(tf.cast(tf.greater(logits, trueLogit), 'float32'), 1);
    const top1 = tf.cast(tf.less(higher, 1), 'float32');
    const top5 = tf.cast(tf.less(higher, 5), 'float32');
    return tf.sum(tf.mul(tf.stack([perExample, top1, top5]), mask), 1) as tf.Tensor1D;
  });
}
