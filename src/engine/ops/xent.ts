/** The mean softmax cross-entropy of a batch and its gradient at the logits, each one kernel. */
import * as tf from '@tensorflow/tfjs';
import { pick, runProgram, type ImplOption, type Implementations } from './kernels';
import {
  perElementMain,
  perElementProgram,
  REDUCE,
  REDUCE_THREADS,
  reductionProgram,
} from './wgsl';

interface XentOps {
  loss(logits: tf.Tensor2D, labels: tf.Tensor1D): tf.Scalar;
  grad(logits: tf.Tensor2D, labels: tf.Tensor1D): tf.Tensor2D;
}

/** WGSL: the row max `mx` and Σ exp(L − mx) `s` of row `r` of [·, k] logits L. */
const rowLogSumExp = (k: number) => `
          var mx = L[r * ${k}];
          for (var j = 1; j < ${k}; j = j + 1) { mx = max(mx, L[r * ${k} + j]); }
          var s = 0.0;
          for (var j = 0; j < ${k}; j = j + 1) { s = s + exp(L[r * ${k} + j] - mx); }`;

const XENT: Implementations<XentOps> = {
  wgsl: {
    loss: (logits, labels) => {
      const [b, k] = logits.shape;
      const code = `
      ${REDUCE}
      fn main(index : i32) {
        let t = i32(localId.x);
        var acc = 0.0;
        for (var r = t; r < ${b}; r = r + ${REDUCE_THREADS}) {
          ${rowLogSumExp(k)}
          acc = acc + log(s) + mx - L[r * ${k} + Y[r]];
        }
        let tot = reduce2(t, acc, 0.0);
        if (t == 0 && uniforms.size == 1) { result[0] = tot.x / f32(${b}); }
      }`;
      const p = reductionProgram(`ScXentLoss_${b}_${k}`, ['L', 'Y'], [], code, 1);
      return runProgram(p, [logits, labels]) as tf.Scalar;
    },
    grad: (logits, labels) => {
      const [b, k] = logits.shape;
      const code = perElementMain(
        'i',
        `
          let r = i / ${k};
          ${rowLogSumExp(k)}
          let p = exp(L[i] - mx) / s;
          setOutputAtIndex(i, (p - select(0.0, 1.0, Y[r] == i % ${k})) * ${1 / b});`,
      );
      const p = perElementProgram(`ScXentGrad_${b}_${k}`, ['L', 'Y'], [b, k], code);
      return runProgram(p, [logits, labels]) as tf.Tensor2D;
    },
  },
  tfOps: {
    loss: (logits, labels) =>
      tf.tidy(() => {
        const k = logits.shape[1];
        const picked = tf.sum(tf.mul(tf.oneHot(labels, k), tf.logSoftmax(logits)), 1);
        return tf.neg(tf.mean(picked)) as tf.Scalar;
      }),
    grad: (logits, labels) =>
      tf.tidy(() => {
        const [b, k] = logits.shape;
        return tf.mul(tf.sub(tf.softmax(logits), tf.oneHot(labels, k)), 1 / b) as tf.Tensor2D;
      }),
  },
};

/** Mean softmax cross-entropy, as a scalar. */
export function softmaxXentLoss(
  logits: tf.Tensor2D,
  labels: tf.Tensor1D,
  opt?: ImplOption,
): tf.Scalar {
  return pick(XENT, opt).loss(logits, labels);
}

/** (softmax(logits) − onehot(labels)) / B: the gradient of the mean cross-entropy. */
export function softmaxXentGrad(
  logits: tf.Tensor2D,
  labels: tf.Tensor1D,
  opt?: ImplOption,
): tf.Tensor2D {
  return pick(XENT, opt).grad(logits, labels);
}
