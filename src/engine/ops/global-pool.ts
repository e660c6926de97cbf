/** Global average pooling [B,H,W,C] → [B,C] and its gradient, each one kernel (no reshape). */
import * as tf from '@tensorflow/tfjs';
import { pick, runProgram, type ImplOption, type Implementations } from './kernels';
import { perElementMain, perElementProgram } from './wgsl';

interface PoolOps {
  pool(x: tf.Tensor4D): tf.Tensor2D;
  grad(dp: tf.Tensor2D, h: number, w: number): tf.Tensor4D;
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
    grad: (dp, h, w) => {
      const [b, c] = dp.shape;
      const code = perElementMain(
        'i',
        `
          setOutputAtIndex(i, DP[(i / ${h * w * c}) * ${c} + i % ${c}] * ${1 / (h * w)});`,
      );
      const p = perElementProgram(`ScPoolGrad_${h}_${w}_${c}`, ['DP'], [b, h, w, c], code);
      return runProgram(p, [dp]) as tf.Tensor4D;
    },
  },
  tfOps: {
    pool: (x) => tf.mean(x, [1, 2]) as tf.Tensor2D,
    grad: (dp, h, w) => {
      const [b, c] = dp.shape;
      return tf.tidy(() =>
        tf.broadcastTo(tf.reshape(tf.mul(dp, 1 / (h * w)), [b, 1, 1, c]), [b, h, w, c]),
      ) as tf.Tensor4D;
    },
  },
};

export function globalPool(x: tf.Tensor4D, opt?: ImplOption): tf.Tensor2D {
  return pick(POOL, opt).pool(x);
}

/** [B,C] → [B,H,W,C] with every pixel dp/(H·W): the gradient of global average pooling. */
export function globalPoolGrad(
  dp: tf.Tensor2D,
  h: number,
  w: number,
  opt?: ImplOption,
): tf.Tensor4D {
  return pick(POOL, opt).grad(dp, h, w);
}
