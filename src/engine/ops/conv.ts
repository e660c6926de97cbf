/**
 * 3×3 'same' convolution. On the cpu backend tfjs's Conv2DBackpropFilter is a naive loop that
 * takes ~60× the forward conv's time (ResNet-8, batch 8: 21 s of a 22 s step), so there the
 * filter gradient is computed as a forward conv instead:
 *   dW[kh,kw,ci,co] = Σ x_pad[n, oy·s+kh, ox·s+kw, ci]·dy[n,oy,ox,co]
 * i.e. a stride-1, dilation-s conv of x_pad (as [Ci,Hp,Wp,N]) with dy (as [Ho,Wo,N,Co]).
 * On webgpu it is the tiled kernel of conv-filter-grad.ts; webgl keeps tfjs's own kernels.
 */
import * as tf from '@tensorflow/tfjs';
import { conv2dTiledGrad, engineFilterGrad, tiledFilterGradAvailable } from './conv-filter-grad';

/** TF 'same' padding (before, after) for one spatial dimension. */
function samePad(size: number, k: number, stride: number): [number, number] {
  const out = Math.ceil(size / stride);
  const total = Math.max((out - 1) * stride + k - size, 0);
  return [Math.floor(total / 2), total - Math.floor(total / 2)];
}

export function filterGradViaConv(
  x: tf.Tensor4D,
  dy: tf.Tensor4D,
  k: number,
  stride: number,
): tf.Tensor4D {
  return tf.tidy(() => {
    const [, h, w] = x.shape;
    const xp = tf.pad(x, [[0, 0], samePad(h, k, stride), samePad(w, k, stride), [0, 0]]);
    const input = tf.transpose(xp, [3, 1, 2, 0]) as tf.Tensor4D;
    const filter = tf.transpose(dy, [1, 2, 0, 3]) as tf.Tensor4D;
    const out = tf.conv2d(input, filter, 1, 'valid', 'NHWC', stride);
    return tf.transpose(out, [1, 2, 0, 3]) as tf.Tensor4D;
  });
}

export function conv3x3(x: tf.Tensor4D, filter: tf.Tensor4D, stride: number): tf.Tensor4D {
  // On webgpu the filter gradient is the tiled split-K kernel of conv-filter-grad.ts.
  if (tiledFilterGradAvailable() && engineFilterGrad() === 'tiled')
    return conv2dTiledGrad(x, filter, stride, 'same');
  if (tf.getBackend() !== 'cpu') return tf.conv2d(x, filter, stride, 'same');
  const op = tf.customGrad((...args: unknown[]) => {
    const [xi, wi] = args as [tf.Tensor4D, tf.Tensor4D];
    const save = args[2] as tf.GradSaveFunc;
    save([xi, wi]);
    return {
      value: tf.conv2d(xi, wi, stride, 'same'),
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
        const [xs, ws] = saved as [tf.Tensor4D, tf.Tensor4D];
        const dx = tf.engine().runKernel(
          'Conv2DBackpropInput',
          { dy, filter: ws },
          {
            strides: stride,
            pad: 'same',
            dataFormat: 'NHWC',
            dilations: 1,
            inputShape: xs.shape,
          },
        ) as tf.Tensor4D;
        return [dx, filterGradViaConv(xs, dy as tf.Tensor4D, ws.shape[0], stride)];
      },
    };
  });
  return (op as (a: tf.Tensor, b: tf.Tensor) => tf.Tensor)(x, filter) as tf.Tensor4D;
}
