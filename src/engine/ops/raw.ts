/**
 * Direct kernel calls. tfjs-core's op wrappers add Reshape kernels around several ops
 * (batchNorm, matMul); calling the kernels directly keeps the per-step kernel count low.
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

/** Rank-3 batched matrix product [b,m,k]·[b,k,n] with no wrapper reshapes. */
export function bmm(a: tf.Tensor3D, b: tf.Tensor3D): tf.Tensor3D {
  return tf.engine().runKernel(
    'BatchMatMul',
    { a, b },
    {
      transposeA: false,
      transposeB: false,
    },
  ) as tf.Tensor3D;
}
