/** Global average pooling [B,H,W,C] → [B,C] and its gradient, each one kernel (no reshape). */
import * as tf from '@tensorflow/tfjs';
import { pick, runProgram, type ImplOption, type Implementations } from './kernels';
import { perElementMain, perElementProgram } from './wgsl';

interface PoolOps {
  pool(x: tf.Tensor4D): tf.Tensor2D;
  grad(dp: tf.Tensor2D, mask: tf.Tensor4D): tf.Tensor4D;
}

const POOL: Implementations<PoolOps> = {
  wgsl: {
    pool: (x) => {
      const [b, h, w, c] = x.shape;
      const code = perElementMain(
        'i',
        `
          let base = (i / ${c}) * ${h * w * c} + i % ${c};
          var s = 0.0;
          for (var p = 0; p < ${h * w}; p = p + 1) { s = s + X[base + p * ${c}]; }
          setOutputAtIndex(i, s * ${1 / (h * w)});`,
      );
      const p = perElementProgram(`ScGlobalPool_${h}_${w}_${c}`, ['X'], [b, c], code);
      return runProgram(p, [x]) as tf.Tensor2D;
    },
    grad: (dp, mask) => {
      const [b, h, w, c] = mask.shape;
      const code = perElementMain(
        'i',
        `
          let g = DP[(i / ${h * w * c}) * ${c} + i % ${c}] * ${1 / (h * w)};
          setOutputAtIndex(i, select(0.0, g, Y[i] > 0.0));`,
      );
      const p = perElementProgram(`ScPoolGrad_${h}_${w}_${c}`, ['DP', 'Y'], [b, h, w, c], code);
      return runProgram(p, [dp, mask]) as tf.Tensor4D;
    },
  },
  tfOps: {
    pool: (x) => tf.mean(x, [1, 2]) as tf.Tensor2D,
    grad: (dp, mask) => {
      const [b, h, w, c] = mask.shape;
      return tf.tidy(() =>
        tf.mul(tf.reshape(tf.mul(dp, 1 / (h * w)), [b, 1, 1, c]), tf.step(mask)),
      ) as tf.Tensor4D;
    },
  },
};

export function globalPool(x: tf.Tensor4D, opt?: ImplOption): tf.Tensor2D {
  return pick(POOL, opt).pool(x);
}

/**
 * [B,C] → [B,H,W,C]: the gradient of global average pooling (every pixel dp/(H·W)) taken on
 * through the ReLU that produced the pooled input `y` [B,H,W,C] (zero where y ≤ 0), so that the
 * network's last BN layer gets an already-masked gradient (see shortcut.ts's blockInputGrad).
 */
export function globalPoolGrad(dp: tf.Tensor2D, y: tf.Tensor4D, opt?: ImplOption): tf.Tensor4D {
  return pick(POOL, opt).grad(dp, y);
}
