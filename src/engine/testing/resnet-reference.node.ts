/**
 * A CIFAR ResNet written as the plain composition tfjs autodiff can differentiate (conv2d,
 * tf.moments batch norm, avgPool + pad shortcuts, mean, matMul): the reference the hand-written
 * step is tested against (models/resnet-step.test.ts, models/half-step.test.ts).
 */
import * as tf from '@tensorflow/tfjs';
import { expect } from 'vitest';
import { batchNormReference } from '../ops/batchnorm';

export type Norm = (
  z: tf.Tensor4D,
  gamma: tf.Tensor,
  beta: tf.Tensor,
  offset: number,
) => tf.Tensor4D;
export const batchStats: Norm = (z, gamma, beta) =>
  batchNormReference(z, gamma, beta, { relu: false });

/**
 * Logits of a CIFAR ResNet from its params alone (filters…, bn [2,T], fcW, fcB), autodiff-able;
 * `norm` normalises a conv output (batch statistics by default).
 */
export function referenceLogits(
  params: tf.Tensor[],
  x: tf.Tensor4D,
  norm = batchStats,
): tf.Tensor2D {
  const filters = params.slice(0, -3) as tf.Tensor4D[];
  const [bn, fcW, fcB] = params.slice(-3) as [tf.Tensor2D, tf.Tensor2D, tf.Tensor1D];
  let offset = 0;
  const layer = (input: tf.Tensor4D, f: tf.Tensor4D, residual?: tf.Tensor4D) => {
    const [, , cin, cout] = f.shape;
    // PyTorch's padding=1, spelled out with tf.pad so that tfjs's 'same' cannot hide in here.
    const padded = tf.pad(input, [
      [0, 0],
      [1, 1],
      [1, 1],
      [0, 0],
    ]);
    const z = tf.conv2d(padded, f, cin === cout || input === x ? 1 : 2, 'valid');
    const gamma = tf.reshape(tf.slice(bn, [0, offset], [1, cout]), [cout]);
    const beta = tf.reshape(tf.slice(bn, [1, offset], [1, cout]), [cout]);
    const y = norm(z, gamma, beta, offset);
    offset += cout;
    return tf.relu(residual ? tf.add(y, residual) : y) as tf.Tensor4D;
  };
  let h = layer(x, filters[0]!);
  for (let i = 1; i < filters.length; i += 2) {
    const a = layer(h, filters[i]!);
    const [, , cin, cout] = filters[i]!.shape;
    const pad = (cout - cin) / 2;
    const sc =
      pad > 0
        ? tf.pad(tf.avgPool(h, 1, 2, 'valid'), [
            [0, 0],
            [0, 0],
            [0, 0],
            [pad, pad],
          ])
        : h;
    h = layer(a, filters[i + 1]!, sc as tf.Tensor4D);
  }
  return tf.add(tf.matMul(tf.mean(h, [1, 2]), fcW), fcB);
}

/** max |a − b| / max |b|. */
export async function relDiff(a: tf.Tensor, b: tf.Tensor): Promise<number> {
  expect(a.shape).toEqual(b.shape);
  const [d, m] = tf.tidy(() => [tf.max(tf.abs(tf.sub(a, b))), tf.max(tf.abs(b))]);
  const v = (await d!.data())[0]! / Math.max((await m!.data())[0]!, 1e-6);
  tf.dispose([d!, m!]);
  return v;
}
