/**
 * Parameter creation: He-normal values drawn on the CPU from the seeded Rng, so one seed gives
 * bit-identical initial weights on every backend.
 */
import * as tf from '@tensorflow/tfjs';
import type { Rng } from '../../core/rng';

function toVariable(values: Float32Array, shape: number[], trainable: boolean): tf.Variable {
  const t = tf.tensor(values, shape, 'float32');
  const v = tf.variable(t, trainable);
  t.dispose(); // the variable holds its own reference to the data
  return v;
}

/** He et al. (2015) normal init: std = sqrt(2 / fanIn). */
export function heNormal(rng: Rng, shape: number[], fanIn: number): tf.Variable {
  const values = new Float32Array(shape.reduce((a, b) => a * b, 1));
  const std = Math.sqrt(2 / fanIn);
  for (let i = 0; i < values.length; i++) values[i] = rng.normal() * std;
  return toVariable(values, shape, true);
}

export function constantVariable(shape: number[], value: number, trainable: boolean): tf.Variable {
  const values = new Float32Array(shape.reduce((a, b) => a * b, 1)).fill(value);
  return toVariable(values, shape, trainable);
}
