/**
 * Weight gradient of a 2-D convolution (NHWC, dilation 1), by the one implementation choice the
 * engine makes (models/resnet-step.ts calls it):
 * - webgpu: the tiled split-K kernel of conv-filter-grad.ts, unless `setEngineFilterGrad('tfjs')`;
 * - cpu: tfjs's Conv2DBackpropFilter is a naive loop that takes ~60× the forward conv's time
 *   (ResNet-8, batch 8: 21 s of a 22 s step), so there it is computed as a forward conv instead:
 *     dW[kh,kw,ci,co] = Σ x_pad[n, oy·s+kh, ox·s+kw, ci]·dy[n,oy,ox,co]
 *   i.e. a stride-1, dilation-s conv of x_pad (as [Ci,Hp,Wp,N]) with dy (as [Ho,Wo,N,Co]);
 * - anything else (webgl, or webgpu opted out): tfjs's own kernel.
 */
import * as tf from '@tensorflow/tfjs';
import { isBnBackward, materialise, type BnBackward } from './bn-backward-load';
import { engineFilterGrad, filterGradTiled, tiledFilterGradAvailable } from './conv-filter-grad';
import { bnApply } from './flat-bn';
import type { InputBn } from './input-bn';

/** BN work fused into the filter gradient's loads, and whether to leave split-K slices unsummed. */
export interface FilterGradFusion {
  /** x is this BN layer's z; the conv's input was relu(BN(z)) (input-bn.ts). */
  inputBn?: InputBn;
  /**
   * Return the tiled kernel's split-K partial sums stacked along the first axis instead of
   * adding them (sgdUpdate adds them: ops/fused.ts); other paths return the gradient itself.
   */
  keepSplits?: boolean;
  /** The tiled kernel's workgroup aim (conv-filter-grad.ts's `PlanOptions`). */
  targetWorkgroups?: number;
}

/** TF's 'same' / 'valid', or explicit symmetric [top = bottom, left = right] pads. */
type Pad = 'same' | 'valid' | [number, number];

/** Padding (before, after) for one spatial dimension; `axis` picks an explicit pad's entry. */
function padFor(size: number, k: number, stride: number, pad: Pad, axis: 0 | 1): [number, number] {
  if (pad === 'valid') return [0, 0];
  if (Array.isArray(pad)) return [pad[axis], pad[axis]];
  const out = Math.ceil(size / stride);
  const total = Math.max((out - 1) * stride + k - size, 0);
  return [Math.floor(total / 2), total - Math.floor(total / 2)];
}

/** dW of a k×k conv as one forward conv (the cpu path; scripts compare it too). */
export function filterGradViaConv(
  x: tf.Tensor4D,
  dy: tf.Tensor4D,
  k: number,
  stride: number,
  pad: Pad = 'same',
): tf.Tensor4D {
  return tf.tidy(() => {
    const [, h, w] = x.shape;
    const pads = [[0, 0], padFor(h, k, stride, pad, 0), padFor(w, k, stride, pad, 1), [0, 0]];
    const xp = tf.pad(x, pads as [number, number][]);
    const input = tf.transpose(xp, [3, 1, 2, 0]) as tf.Tensor4D;
    const filter = tf.transpose(dy, [1, 2, 0, 3]) as tf.Tensor4D;
    const out = tf.conv2d(input, filter, 1, 'valid', 'NHWC', stride);
    // A 'valid' conv whose stride does not divide the input leaves rows the filter never saw.
    const full = tf.transpose(out, [1, 2, 0, 3]) as tf.Tensor4D;
    return full.shape[0] === k && full.shape[1] === k ? full : tf.slice(full, 0, [k, k, -1, -1]);
  });
}

/**
 * dW of y = conv2d(x, W, stride, pad) given dy = ∂L/∂y; W has `filterShape` (square filters).
 * With `fusion.inputBn`, x is a BN layer's z and the conv's input was relu(BN(z)) (input-bn.ts);
 * dy may be the backward of the BN layer y fed (bn-backward-load.ts). The tiled kernel applies
 * both as it loads; the other paths materialise them first.
 */
export function filterGrad(
  x: tf.Tensor4D,
  dy: tf.Tensor4D | BnBackward,
  filterShape: readonly [number, number, number, number],
  stride: number,
  pad: Pad = 'same',
  fusion: FilterGradFusion = {},
): tf.Tensor4D {
  const { inputBn } = fusion;
  if (tiledFilterGradAvailable() && engineFilterGrad() === 'tiled')
    return filterGradTiled(x, dy, filterShape, stride, pad, fusion);
  if (inputBn || isBnBackward(dy)) {
    return tf.tidy(() => {
      let a = x;
      if (inputBn) {
        const { stats, params, slot } = inputBn;
        const stat = { meanAt: slot.offset, varAt: slot.total + slot.offset };
        a = bnApply(x, stats, stats, stat, params, slot, { relu: true });
      }
      return filterGrad(a, isBnBackward(dy) ? materialise(dy) : dy, filterShape, stride, pad);
    });
  }
  if (tf.getBackend() === 'cpu') return filterGradViaConv(x, dy, filterShape[0], stride, pad);
  // tfjs takes a symmetric explicit pad as one number.
  const tfPad = Array.isArray(pad) ? pad[0] : pad;
  if (Array.isArray(pad) && pad[0] !== pad[1]) throw new Error('filterGrad: unequal explicit pads');
  const attrs = { strides: stride, pad: tfPad, dataFormat: 'NHWC', dilations: 1, filterShape };
  return tf.engine().runKernel('Conv2DBackpropFilter', { x, dy }, attrs) as tf.Tensor4D;
}

/**
 * relu(conv2d(x, w, stride 1, 'same') + b) for autodiff (shallow3's convolutions), with a
 * gradient whose weight part goes through `filterGrad` above instead of tfjs's kernel (the naive
 * loop on cpu; the untiled kernel on webgpu). Same maths as autodiff of tf.fused.conv2d.
 */
export function convBiasRelu(x: tf.Tensor4D, w: tf.Tensor4D, b: tf.Tensor1D): tf.Tensor4D {
  const f = tf.customGrad((...args) => {
    const [xi, wi, bi, save] = args as [tf.Tensor4D, tf.Tensor4D, tf.Tensor1D, tf.GradSaveFunc];
    const y = tf.fused.conv2d({
      x: xi,
      filter: wi,
      bias: bi,
      strides: 1,
      pad: 'same',
      activation: 'relu',
    });
    save([xi, wi, y]);
    return {
      value: y,
      gradFunc: (dy, saved) => {
        const [xs, ws, ys] = saved as [tf.Tensor4D, tf.Tensor4D, tf.Tensor4D];
        // ReLU's mask: y > 0 exactly where the pre-activation was positive.
        const dz = tf.mul(dy as tf.Tensor4D, tf.step(ys)) as tf.Tensor4D;
        const shape = ws.shape as [number, number, number, number];
        const attrs = {
          strides: 1,
          pad: 'same',
          dataFormat: 'NHWC',
          dilations: 1,
          inputShape: xs.shape,
        };
        const dx = tf.engine().runKernel('Conv2DBackpropInput', { dy: dz, filter: ws }, attrs);
        return [dx as tf.Tensor, filterGrad(xs, dz, shape, 1, 'same'), tf.sum(dz, [0, 1, 2])];
      },
    };
  });
  return f(x, w, b) as tf.Tensor4D;
}
