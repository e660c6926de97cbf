/**
 * One SGD step: augment on the GPU, forward in training mode, closed-form batch-norm gradients,
 * then SGD with momentum and L2 weight decay (our own update: tfjs's MomentumOptimizer ignores
 * setMomentum, and 1cycle changes momentum every step).
 */
import * as tf from '@tensorflow/tfjs';
import type { DatasetName } from '../core/config';
import { InputPipeline } from './augment';
import { crossEntropy } from './loss';
import type { Model } from './models';
import { sgdUpdate } from './ops/fused';

export interface TrainStep {
  /** xRaw: [B,32,32,3] float32 pixel values 0..255 (NHWC); labels: int32. Caller disposes the loss. */
  step(xRaw: tf.Tensor4D, labels: tf.Tensor1D, lr: number, momentum: number): tf.Scalar;
  dispose(): void;
}

export interface TrainStepOptions {
  weightDecay: number;
  numClasses: number;
  dataset: DatasetName;
  /** Random crop + flip (default true). */
  augment?: boolean;
  seed?: number;
}

export function createTrainStep(model: Model, opts: TrainStepOptions): TrainStep {
  const velocities = model.params.map((p) => {
    const zeros = tf.zeros(p.shape);
    const v = tf.variable(zeros, false);
    zeros.dispose();
    return v;
  });
  let pipeline: InputPipeline | null = null;
  const augment = opts.augment ?? true;

  return {
    step(xRaw, labels, lr, momentum) {
      const batch = xRaw.shape[0];
      if (!pipeline) pipeline = new InputPipeline(batch, opts.dataset, opts.seed ?? 0);
      const input = pipeline;
      const { value, grads } = tf.tidy(() => {
        const x = augment ? input.augment(xRaw) : input.normalize(xRaw);
        if (model.lossAndGrads) {
          // Hand-written backward (ResNets): no autodiff tape, few kernels.
          const r = model.lossAndGrads(x, labels);
          return { value: r.loss, grads: r.grads };
        }
        const oneHot = tf.oneHot(labels, opts.numClasses) as tf.Tensor2D;
        const r = tf.variableGrads(() => crossEntropy(model.apply(x, true), oneHot), model.params);
        return { value: r.value, grads: model.params.map((p) => r.grads[p.name]!) };
      });
      model.params.forEach((p, i) => {
        sgdUpdate(
          { w: p, v: velocities[i]!, g: grads[i]! },
          { lr, mom: momentum, wd: opts.weightDecay },
        );
      });
      tf.dispose(grads);
      return value;
    },
    dispose() {
      tf.dispose(velocities);
      pipeline?.dispose();
    },
  };
}
