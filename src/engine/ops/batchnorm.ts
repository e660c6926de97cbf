/**
 * Training-mode batch norm (+ optional residual add and ReLU) composed from plain differentiable
 * tfjs ops: the reference that the hand-written ResNet step (models/resnet-step.ts, kernels in
 * flat-bn.ts) is checked against under autodiff.
 */
import * as tf from '@tensorflow/tfjs';

export const BN_EPS = 1e-5;

export interface BnOptions {
  relu: boolean;
  /** Added after normalisation and before the ReLU (the second BN of a residual block). */
  residual?: tf.Tensor4D;
}

export function batchNormReference(
  x: tf.Tensor4D,
  gamma: tf.Tensor,
  beta: tf.Tensor,
  opts: BnOptions,
): tf.Tensor4D {
  const { mean, variance } = tf.moments(x, [0, 1, 2], true);
  let y = tf.add(tf.mul(tf.div(tf.sub(x, mean), tf.sqrt(tf.add(variance, BN_EPS))), gamma), beta);
  if (opts.residual) y = tf.add(y, opts.residual);
  if (opts.relu) y = tf.relu(y);
  return y as tf.Tensor4D;
}
