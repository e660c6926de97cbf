/**
 * k×k average pooling with stride s and TF 'same' padding whose gradient is right at the borders.
 *
 * The forward (tfjs AvgPool, and Caffe's AVE pooling with pad 0 that cifar10_quick uses) divides
 * each window by the number of inputs it covers. tfjs 4.22's AvgPoolGrad (cpu and webgpu) divides
 * every window by k² instead, so autodiff is wrong wherever a window hangs over the edge (28%
 * relative L2 on an 8×8 map). The fix keeps tfjs's kernel and scales dy first: multiplying each
 * output's gradient by k²/count makes the kernel's 1/k² into the forward's 1/count.
 */
import * as tf from '@tensorflow/tfjs';

/** One padded dimension of 'same' pooling: output size and how many inputs each window covers. */
export function sameWindowCounts(size: number, k: number, stride: number): number[] {
  const out = Math.ceil(size / stride);
  const before = Math.floor(Math.max((out - 1) * stride + k - size, 0) / 2);
  return Array.from({ length: out }, (_, o) => {
    const start = o * stride - before;
    return Math.min(start + k, size) - Math.max(start, 0);
  });
}

/** k²/count per output position, as [1, Ho, Wo, 1]. */
function gradScale(height: number, width: number, k: number, stride: number): tf.Tensor4D {
  const rows = sameWindowCounts(height, k, stride);
  const cols = sameWindowCounts(width, k, stride);
  const values = new Float32Array(rows.length * cols.length);
  rows.forEach((r, i) => cols.forEach((c, j) => (values[i * cols.length + j] = (k * k) / (r * c))));
  return tf.tensor4d(values, [1, rows.length, cols.length, 1]);
}

export function avgPoolSame(x: tf.Tensor4D, k: number, stride: number): tf.Tensor4D {
  const pool = tf.customGrad((input, save) => {
    const xi = input as tf.Tensor4D;
    (save as tf.GradSaveFunc)([xi]);
    return {
      value: tf.avgPool(xi, k, stride, 'same'),
      gradFunc: (dy, saved) => {
        const saved0 = saved[0] as tf.Tensor4D;
        const scaled = tf.mul(dy, gradScale(saved0.shape[1], saved0.shape[2], k, stride));
        const attrs = { filterSize: k, strides: stride, pad: 'same' };
        return tf
          .engine()
          .runKernel('AvgPoolGrad', { dy: scaled, input: saved0 }, attrs) as tf.Tensor;
      },
    };
  });
  return pool(x) as tf.Tensor4D;
}
