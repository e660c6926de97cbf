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
