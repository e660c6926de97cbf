/** Test helper: tensors of seeded normal draws (offset + scale·N(0, 1)), the same on every run. */
import * as tf from '@tensorflow/tfjs';
import { Rng } from '../../core/rng';

export function seeded(shape: number[], seed: number, scale = 1, offset = 0): tf.Tensor {
  const rng = new Rng(seed);
  const size = shape.reduce((a, b) => a * b, 1);
  return tf.tensor(
    Float32Array.from({ length: size }, () => offset + scale * rng.normal()),
    shape,
  );
}

/**
 * A BN layer chain's [2, T] batch statistics (mean in [−1, 1), variance in [0.5, 2)) and its
 * [2, T] γ (in [0.5, 1.5)), β (in [−0.5, 0.5)): plausible values for a kernel test.
 */
export function bnState(total: number): { stats: tf.Tensor2D; bn: tf.Tensor2D } {
  const rows = (lo: [number, number], hi: [number, number], seed: number) =>
    tf.tidy(() =>
      tf.concat([
        tf.randomUniform([1, total], lo[0], lo[1], 'float32', seed),
        tf.randomUniform([1, total], hi[0], hi[1], 'float32', seed + 1),
      ]),
    ) as tf.Tensor2D;
  return { stats: rows([-1, 1], [0.5, 2], 6), bn: rows([0.5, 1.5], [-0.5, 0.5], 8) };
}
