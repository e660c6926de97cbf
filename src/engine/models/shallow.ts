/**
 * Smith's shallow 3-layer net: Caffe's cifar10_quick. conv5×5×32 → maxpool3 s2 → ReLU;
 * conv5×5×32 → ReLU → avgpool3 s2; conv5×5×64 → ReLU → avgpool3 s2; fc 64; fc classes.
 * 'same' padding reproduces Caffe's 32→16→8→4 sizes. As in Caffe, no ReLU between the two fully
 * connected layers. ReLU commutes with max pooling, so conv1's ReLU is fused into the conv.
 */
import * as tf from '@tensorflow/tfjs';
import { Rng } from '../../core/rng';
import { constantVariable, heNormal } from './init';
import type { Model } from './index';

export function buildShallow3(numClasses: number, seed: number): Model {
  const rng = new Rng(seed);
  const conv = (cin: number, cout: number) => ({
    w: heNormal(rng, [5, 5, cin, cout], 5 * 5 * cin),
    b: constantVariable([cout], 0, true),
  });
  const c1 = conv(3, 32);
  const c2 = conv(32, 32);
  const c3 = conv(32, 64);
  const fc1 = {
    w: heNormal(rng, [4 * 4 * 64, 64], 4 * 4 * 64),
    b: constantVariable([64], 0, true),
  };
  const fc2 = {
    w: heNormal(rng, [64, numClasses], 64),
    b: constantVariable([numClasses], 0, true),
  };
  const params = [c1, c2, c3, fc1, fc2].flatMap((l) => [l.w, l.b]);

  const convRelu = (x: tf.Tensor4D, l: { w: tf.Variable; b: tf.Variable }) =>
    tf.fused.conv2d({
      x,
      filter: l.w as tf.Tensor4D,
      bias: l.b,
      strides: 1,
      pad: 'same',
      activation: 'relu',
    });

  function apply(x: tf.Tensor4D, _training: boolean): tf.Tensor2D {
    return tf.tidy((): tf.Tensor2D => {
      let h = tf.maxPool(convRelu(x, c1), 3, 2, 'same');
      h = tf.avgPool(convRelu(h, c2), 3, 2, 'same');
      h = tf.avgPool(convRelu(h, c3), 3, 2, 'same');
      const flat = tf.reshape(h, [h.shape[0], -1]) as tf.Tensor2D;
      const hidden = tf.fused.matMul({ a: flat, b: fc1.w as tf.Tensor2D, bias: fc1.b });
      return tf.fused.matMul({ a: hidden, b: fc2.w as tf.Tensor2D, bias: fc2.b }) as tf.Tensor2D;
    });
  }

  return {
    id: 'shallow3',
    params,
    stats: [],
    paramCount: params.reduce((s, p) => s + p.size, 0),
    apply,
    dispose() {
      for (const v of params) v.dispose();
    },
  };
}
