/**
 * Direct kernel calls. tfjs-core's op wrappers add Reshape kernels around several ops
 * (batchNorm among them); calling the kernels directly keeps the per-step kernel count low.
 */
import * as tf from '@tensorflow/tfjs';

/** (x − mean)·rsqrt(variance + eps)·scale + offset, per channel, in one kernel. Stats broadcast. */
export function fusedBatchNorm(
  x: tf.Tensor,
  mean: tf.Tensor,
  variance: tf.Tensor,
  offset: tf.Tensor | null,
  scale: tf.Tensor | null,
  eps: number,
): tf.Tensor {
  const inputs: tf.NamedTensorMap = { x, mean, variance };
  if (offset) inputs['offset'] = offset;
  if (scale) inputs['scale'] = scale;
  return tf.engine().runKernel('FusedBatchNorm', inputs, { varianceEpsilon: eps }) as tf.Tensor;
}
