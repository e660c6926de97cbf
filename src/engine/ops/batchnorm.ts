/**
 * Batch normalisation (+ optional residual add and ReLU) as one custom-gradient op.
 *
 * Autodiff of the composed ops dispatches ~25 kernels per layer; the closed-form backward
 *   dx = γ·rstd·(dy − mean(dy) − x̂·mean(dy·x̂)),  dγ = Σ dy·x̂,  dβ = Σ dy
 * needs about half. Channel sums over N·H·W use a [1,N]·[N,C] matrix product: tfjs reductions
 * over non-innermost axes transpose the whole activation first.
 *
 * Per-channel tensors (γ, β, running stats) have shape [1,1,C] so that matmul outputs, kernels
 * and gradients share one shape with no reshapes. Running statistics follow PyTorch's
 * convention: running = 0.9·running + 0.1·batch (momentum 0.1), with the unbiased variance.
 */
import * as tf from '@tensorflow/tfjs';
import { axpby, bnDx, bnDyXhat, reluGrad } from './fused';
import { bmm, fusedBatchNorm } from './raw';

export const BN_EPS = 1e-5;
export const BN_MOMENTUM = 0.1;

export interface BatchNormLayer {
  gamma: tf.Variable;
  beta: tf.Variable;
  runMean: tf.Variable;
  runVar: tf.Variable;
}

/** Constant row vectors of ones, cached per length; owned (and disposed) by a model. */
export class OnesCache {
  private readonly byLength = new Map<string, tf.Tensor3D>();

  /** [1,1,n] filled with `value`: multiplying an [1,n,C] view sums (value 1) or averages. */
  get(n: number, value: number): tf.Tensor3D {
    const key = `${tf.getBackend()}:${n}:${value}`;
    let t = this.byLength.get(key);
    if (!t) {
      t = tf.keep(tf.fill([1, 1, n], value) as tf.Tensor3D);
      this.byLength.set(key, t);
    }
    return t;
  }

  dispose(): void {
    for (const t of this.byLength.values()) t.dispose();
    this.byLength.clear();
  }
}

export interface BnOptions {
  relu: boolean;
  /** Added after normalisation and before the ReLU (the second BN of a residual block). */
  residual?: tf.Tensor4D;
  /** Update running statistics (false in gradient checks). */
  updateStats?: boolean;
}

/** Training-mode batch norm with batch statistics and the closed-form gradient. */
export function batchNormTrain(
  x: tf.Tensor4D,
  layer: BatchNormLayer,
  ones: OnesCache,
  opts: BnOptions,
): tf.Tensor4D {
  const [b, h, w] = x.shape;
  const n = b * h * w;
  const onesN = ones.get(n, 1);
  const invN = ones.get(n, 1 / n);
  const relu = opts.relu;
  const withResidual = opts.residual !== undefined;

  const op = tf.customGrad((...args: unknown[]) => {
    const [xIn, gamma, beta] = args as tf.Tensor[];
    const residual = withResidual ? (args[3] as tf.Tensor) : null;
    const save = args[args.length - 1] as tf.GradSaveFunc;
    const c = xIn!.shape[3]!;
    const x3 = tf.reshape(xIn!, [1, n, c]) as tf.Tensor3D;
    const mean = bmm(invN, x3);
    const variance = bmm(invN, tf.squaredDifference(x3, mean) as tf.Tensor3D);
    if (opts.updateStats !== false) {
      // Unbiased variance for the running estimate, as PyTorch and Caffe do.
      const m = BN_MOMENTUM;
      layer.runMean.assign(axpby(1 - m, layer.runMean, m, mean));
      layer.runVar.assign(axpby(1 - m, layer.runVar, (m * n) / Math.max(1, n - 1), variance));
    }
    let y = fusedBatchNorm(xIn!, mean, variance, beta!, gamma!, BN_EPS);
    if (residual) y = tf.add(y, residual);
    if (relu) y = tf.relu(y);
    save(relu ? [xIn!, mean, variance, y] : [xIn!, mean, variance]);
    return {
      value: y,
      gradFunc: (dz: tf.Tensor, saved: tf.Tensor[]) => {
        const [xs, mu, va, ys] = saved as [tf.Tensor, tf.Tensor, tf.Tensor, tf.Tensor?];
        const dy = ys ? reluGrad(dz, ys) : dz;
        const sumDy = bmm(onesN, tf.reshape(dy, [1, n, c]) as tf.Tensor3D);
        const sumDyXhat = bmm(onesN, bnDyXhat(dy, xs, mu, va, BN_EPS));
        const dx = bnDx(dy, xs, mu, va, gamma!, sumDy, sumDyXhat, BN_EPS);
        const grads = [dx, sumDyXhat, sumDy];
        if (withResidual) grads.push(dy);
        return grads;
      },
    };
  });
  const inputs: tf.Tensor[] = [x, layer.gamma, layer.beta];
  if (opts.residual) inputs.push(opts.residual);
  return (op as (...t: tf.Tensor[]) => tf.Tensor)(...inputs) as tf.Tensor4D;
}

/** Inference-mode batch norm with the running statistics. */
export function batchNormInfer(
  x: tf.Tensor4D,
  layer: BatchNormLayer,
  opts: BnOptions,
): tf.Tensor4D {
  let y = fusedBatchNorm(x, layer.runMean, layer.runVar, layer.beta, layer.gamma, BN_EPS);
  if (opts.residual) y = tf.add(y, opts.residual);
  if (opts.relu) y = tf.relu(y);
  return y as tf.Tensor4D;
}

/**
 * The same training-mode layer composed from plain differentiable ops, for checking the
 * custom gradient against autodiff.
 */
export function batchNormReference(
  x: tf.Tensor4D,
  gamma: tf.Tensor,
  beta: tf.Tensor,
  opts: BnOptions,
): tf.Tensor4D {
  const { mean, variance } = tf.moments(x, [0, 1, 2], true);
  let y = tf.add(tf.mul(tf.div(tf.sub(x, mean), tf.sqrt(tf.add(variance, BN_EPS))), gamma), beta);
  if (opts.residual) y = tf.add(y, opts.residual);
  if (opts.relu) y = tf.relu(y);
  return y as tf.Tensor4D;
}
