/** Model registry: every model is explicit tf.Variables plus a pure `apply` (no tfjs-layers). */
import type * as tf from '@tensorflow/tfjs';
import type { ModelId } from '../../core/model-spec';
import { buildResNet } from './resnet';
import type { ResNetStepOptions } from './resnet-step';
import { buildShallow3 } from './shallow';

export type { ModelId };

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
   * Models without it are trained by tfjs autodiff of `apply`. With `onGrad`, each gradient is
   * handed there as soon as nothing later in the step reads its parameter (so the caller can
   * update it at once and free it), and `grads` comes back empty.
   */
  lossAndGrads?(
    x: tf.Tensor4D,
    labels: tf.Tensor1D,
    onGrad?: (index: number, grad: tf.Tensor) => void,
  ): { loss: tf.Scalar; grads: tf.Tensor[] };
  dispose(): void;
}

/** `step`: options of the ResNets' hand-written step (shallow3 has none). */
export function buildModel(
  id: ModelId,
  numClasses: number,
  seed: number,
  step: ResNetStepOptions = {},
): Model {
  if (id === 'shallow3') return buildShallow3(numClasses, seed);
  return buildResNet(id, numClasses, seed, step);
}
