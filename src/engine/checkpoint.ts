/**
 * Reading a training run's state off the device for a checkpoint, and writing it back on resume.
 * The momentum buffers live inside the train step (src/engine/train-step.ts keeps them private),
 * so they are found as the variables tfjs registered while the train step was made.
 */
import * as tf from '@tensorflow/tfjs';
import type { CheckpointShapes, CheckpointTensors } from '../core/checkpoint';
import type { Model } from './models';

/** Variable names registered now: call before making the train step, pass to `newVariables`. */
export function variableNames(): Set<string> {
  return new Set(Object.keys(tf.engine().registeredVariables));
}

/**
 * The momentum buffers made since `before`, in creation order, one per parameter. Returns null
 * when they do not line up with the parameters (the train step changed how it keeps them).
 */
export function findVelocities(model: Model, before: Set<string>): tf.Variable[] | null {
  const own = new Set<string>([...model.params, ...model.stats].map((v) => v.name));
  const fresh = Object.entries(tf.engine().registeredVariables)
    .filter(([name]) => !before.has(name) && !own.has(name))
    .map(([, v]) => v);
  if (fresh.length !== model.params.length) return null;
  const same = (a: readonly number[], b: readonly number[]) =>
    a.length === b.length && a.every((d, i) => d === b[i]);
  return fresh.every((v, i) => same(v.shape, model.params[i]!.shape)) ? fresh : null;
}

export function stateShapes(model: Model, velocities: readonly tf.Variable[]): CheckpointShapes {
  return {
    params: model.params.map((p) => [...p.shape]),
    stats: model.stats.map((s) => [...s.shape]),
    velocities: velocities.map((v) => [...v.shape]),
  };
}

/** One readback of every variable (async: the queue drains, the thread is not blocked). */
export async function readState(
  model: Model,
  velocities: readonly tf.Variable[],
): Promise<CheckpointTensors> {
  const read = (vs: readonly tf.Variable[]) =>
    Promise.all(vs.map(async (v) => Float32Array.from(await v.data())));
  const [params, stats, vel] = await Promise.all([
    read(model.params),
    read(model.stats),
    read(velocities),
  ]);
  return { params, stats, velocities: vel };
}

/** Writes a checkpoint's arrays into the (fresh) model and momentum buffers. */
export function writeState(
  model: Model,
  velocities: readonly tf.Variable[],
  tensors: CheckpointTensors,
): void {
  const put = (vs: readonly tf.Variable[], arrays: Float32Array[], what: string) => {
    if (arrays.length !== vs.length)
      throw new Error(`The checkpoint's ${what} do not match this model`);
    vs.forEach((v, i) => {
      const a = arrays[i]!;
      if (a.length !== v.size) throw new Error(`The checkpoint's ${what} do not match this model`);
      tf.tidy(() => v.assign(tf.tensor(a, v.shape, 'float32')));
    });
  };
  put(model.params, tensors.params, 'weights');
  put(model.stats, tensors.stats, 'batch-norm statistics');
  put(velocities, tensors.velocities, 'momentum buffers');
}

/** Test-only fault: every float variable becomes NaN, so the next loss is NaN (divergence). */
export function poisonVariables(): void {
  for (const v of Object.values(tf.engine().registeredVariables))
    if (v.dtype === 'float32') tf.tidy(() => v.assign(tf.fill(v.shape, NaN)));
}
