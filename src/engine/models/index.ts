/** Model registry: every model is explicit tf.Variables plus a pure `apply` (no tfjs-layers). */
import type * as tf from '@tensorflow/tfjs';
import type { ModelName } from '../../core/config';
import { buildResNet } from './resnet';
import { buildShallow3 } from './shallow';

/** 'resnet8' (n = 1) is internal, for fast tests. */
export type ModelId = ModelName | 'resnet8';

export interface Model {
  id: ModelId;
  /** Trainable parameters, in a fixed order. */
  params: tf.Variable[];
  /** Non-trainable state (batch-norm running statistics). */
  stats: tf.Variable[];
  paramCount: number;
  /** Logits. `training` selects batch statistics (and updates the running ones). */
  apply(x: tf.Tensor4D, training: boolean): tf.Tensor2D;
  /**
   * Optional hand-written training pass: mean cross-entropy of the logits for int32 `labels` and
   * its gradients, aligned with `params`; updates the running statistics like `apply(x, true)`.
   * Models without it are trained by tfjs autodiff of `apply`.
   */
  lossAndGrads?(x: tf.Tensor4D, labels: tf.Tensor1D): { loss: tf.Scalar; grads: tf.Tensor[] };
  dispose(): void;
}

/** Blocks per stage for depth 6n+2. */
const RESNET_N: Record<string, number> = {
  resnet8: 1,
  resnet20: 3,
  resnet32: 5,
  resnet44: 7,
  resnet56: 9,
  resnet110: 18,
};

export function buildModel(id: ModelId, numClasses: number, seed: number): Model {
  if (id === 'shallow3') return buildShallow3(numClasses, seed);
  const n = RESNET_N[id];
  if (n === undefined) throw new Error(`Unknown model: ${id}`);
  return buildResNet(id, n, numClasses, seed);
}
