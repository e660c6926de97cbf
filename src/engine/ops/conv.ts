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
import { engineFilterGrad, filterGradTiled, tiledFilterGradAvailable } from './conv-filter-grad';

type Pad = 'same' | 'valid';

/** TF padding (before, after) for one spatial dimension. */
function padFor(size: number, k: number, stride: number, pad: Pad): [number, number] {
  if (pad === 'valid') return [0, 0];
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
    const pads = [[0, 0], padFor(h, k, stride, pad), padFor(w, k, stride, pad), [0, 0]];
    const xp = tf.pad(x, pads as [number, number][]);
    const input = tf.transpose(xp, [3, 1, 2, 0]) as tf.Tensor4D;
    const filter = tf.transpose(dy, [1, 2, 0, 3]) as tf.Tensor4D;
    const out = tf.conv2d(input, filter, 1, 'valid', 'NHWC', stride);
    // A 'valid' conv whose stride does not divide the input leaves rows the filter never saw.
    const full = tf.transpose(out, [1, 2, 0, 3]) as tf.Tensor4D;
    return full.shape[0] === k && full.shape[1] === k ? full : tf.slice(full, 0, [k, k, -1, -1]);
  });
}

/** dW of y = conv2d(x, W, stride, pad) given dy = ∂L/∂y; W has `filterShape` (square filters). */
export function filterGrad(
  x: tf.Tensor4D,
  dy: tf.Tensor4D,
  filterShape: readonly [number, number, number, number],
  stride: number,
  pad: Pad = 'same',
): tf.Tensor4D {
  if (tiledFilterGradAvailable() && engineFilterGrad() === 'tiled')
    return filterGradTiled(x, dy, filterShape, stride, pad);
  if (tf.getBackend() === 'cpu') return filterGradViaConv(x, dy, filterShape[0], stride, pad);
  const attrs = { strides: stride, pad, dataFormat: 'NHWC', dilations: 1, filterShape };
  return tf.engine().runKernel('Conv2DBackpropFilter', { x, dy }, attrs) as tf.Tensor4D;
}
