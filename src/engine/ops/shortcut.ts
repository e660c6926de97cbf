/**
 * Option-A shortcuts of the ResNets (stride-s subsample + zero channel padding) and the gradient
 * at a residual block's input, which folds the shortcut's transpose into one kernel.
 */
import * as tf from '@tensorflow/tfjs';
import { pick, runProgram, type ImplOption, type Implementations } from './kernels';
import { perElementMain, perElementProgram } from './wgsl';

/** Option-A shortcut from a [B,Hi,Wi,Ci] input: subsample by `stride`, pad `pad` channels each side. */
export interface Shortcut {
  stride: number;
  pad: number;
}

/** The shortcut as tf ops (StridedSlice has no gradient in tfjs: subsample by 1×1 pooling). */
export function shortcutOps(h: tf.Tensor4D, sc: Shortcut): tf.Tensor4D {
  const sub = sc.stride > 1 ? tf.avgPool(h, 1, sc.stride, 'valid') : h;
  if (sc.pad === 0) return sub;
  return tf.pad(sub, [
    [0, 0],
    [0, 0],
    [0, 0],
    [sc.pad, sc.pad],
  ]);
}

/** WGSL adding shortcut(R) at output `index` (channel `ch`) of a [·, hh, ww, c] output to `y`. */
export function shortcutAddWgsl(
  sc: Shortcut,
  input: readonly number[],
  out: { hh: number; ww: number; c: number },
): string {
  if (sc.stride === 1 && sc.pad === 0) return 'y = y + R[index];';
  const [, hi, wi, ci] = input;
  const { hh, ww, c } = out;
  return `let pix = index / ${c};
             let xo = pix % ${ww};
             let yo = (pix / ${ww}) % ${hh};
             let nb = pix / ${ww * hh};
             let cin = ch - ${sc.pad};
             if (cin >= 0 && cin < ${ci}) {
               y = y + R[((nb * ${hi} + yo * ${sc.stride}) * ${wi} + xo * ${sc.stride}) * ${ci} + cin];
             }`;
}

export interface BlockGradArgs {
  /** The gradient through the block's first conv, at its input h. */
  g: tf.Tensor4D;
  /** The gradient at the block's residual sum, before its ReLU (already masked). */
  dSum: tf.Tensor4D;
  /** The block's input h = relu(·) of the layer before: its zeros mask the result. */
  input: tf.Tensor4D;
  shortcut: Shortcut;
}

/**
 * WGSL finishing a block-input gradient `v` at flat index `i` of the input's shape `input`
 * ([·, hi, wi, ci]): adds the shortcut's transpose of DZ (shape `dSum`: [·, ho, wo, co]), then
 * masks by Y > 0. The residual-gradient kernel below runs it, and so does the input-gradient
 * conv of a block's first unit as its epilogue (conv-input-grad.ts), saving this kernel.
 */
export function blockGradWgsl(
  sc: Shortcut,
  input: readonly number[],
  dSum: readonly number[],
): string {
  const [, hi, wi, ci] = input;
  const [, ho, wo, co] = dSum;
  const add =
    sc.stride === 1 && sc.pad === 0
      ? 'v = v + DZ[i];'
      : `let ch = i % ${ci};
         let pix = i / ${ci};
         let xi = pix % ${wi};
         let yi = (pix / ${wi}) % ${hi!};
         let nb = pix / ${wi! * hi!};
         if (xi % ${sc.stride} == 0 && yi % ${sc.stride} == 0) {
           let j = ((nb * ${ho} + yi / ${sc.stride}) * ${wo} + xi / ${sc.stride}) * ${co} + ch + ${sc.pad};
           v = v + DZ[j];
         }`;
  return `${add}
         v = select(0.0, v, Y[i] > 0.0);`;
}

const BLOCK_GRAD: Implementations<(a: BlockGradArgs) => tf.Tensor4D> = {
  wgsl: ({ g, dSum, input, shortcut: sc }) => {
    const [b, hi, wi, ci] = g.shape;
    const [, ho, wo, co] = dSum.shape;
    const code = perElementMain(
      'i',
      `
          var v = G1[i];
          ${blockGradWgsl(sc, g.shape, dSum.shape)}
          setOutputAtIndex(i, v);`,
    );
    const key = `ScBlockGrad_${b}_${hi}_${wi}_${ci}_${ho}_${wo}_${co}_${sc.stride}_${sc.pad}`;
    const p = perElementProgram(key, ['G1', 'DZ', 'Y'], g.shape, code);
    return runProgram(p, [g, dSum, input]) as tf.Tensor4D;
  },
  tfOps: ({ g, dSum, input, shortcut }) =>
    tf.tidy(() => {
      const [dsc] = tf.grads((h: tf.Tensor) =>
        tf.sum(tf.mul(shortcutOps(h as tf.Tensor4D, shortcut), dSum)),
      )([tf.zerosLike(g)]);
      return tf.mul(tf.add(g, dsc!), tf.step(input)) as tf.Tensor4D;
    }),
};

/**
 * Gradient at the input of the ReLU that produced a residual block's input h: g (through the
 * block's first conv) plus the shortcut's transpose of dSum (the gradient at the block's residual
 * sum, already masked by the block's own ReLU), masked by h > 0. The step passes gradients
 * masked this way between blocks, so the BN backward of each block's second unit (and the
 * stem's) needs no ReLU mask of its own: one activation read less in each of its two kernels.
 */
export function blockInputGrad(
  g: tf.Tensor4D,
  dSum: tf.Tensor4D,
  input: tf.Tensor4D,
  shortcut: Shortcut,
  opt?: ImplOption,
): tf.Tensor4D {
  return pick(BLOCK_GRAD, opt)({ g, dSum, input, shortcut });
}
