/**
 * Parameters as tf.Variables from the pure seeded initialisation of src/core/model-spec.ts, so
 * one seed gives bit-identical initial weights on every backend and in the PyTorch export.
 */
import * as tf from '@tensorflow/tfjs';
import { initialWeights, paramSpecs, type ModelId } from '../../core/model-spec';

function toVariable(values: Float32Array, shape: number[], trainable: boolean): tf.Variable {
  const t = tf.tensor(values, shape, 'float32');
  const v = tf.variable(t, trainable);
  t.dispose(); // the variable holds its own reference to the data
  return v;
}

/** The model's trainable variables in `paramSpecs` order, keyed by spec name. */
export function seededParams(
  id: ModelId,
  numClasses: number,
  seed: number,
): Map<string, tf.Variable> {
  const specs = paramSpecs(id, numClasses);
  const values = initialWeights(specs, seed);
  return new Map(specs.map((s, i) => [s.name, toVariable(values[i]!, s.shape, true)]));
}

export function constantVariable(shape: number[], value: number, trainable: boolean): tf.Variable {
  const values = new Float32Array(shape.reduce((a, b) => a * b, 1)).fill(value);
  return toVariable(values, shape, trainable);
}
