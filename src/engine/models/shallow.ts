/**
 * Smith's shallow 3-layer net: Caffe's cifar10_quick. conv5×5×32 → maxpool3 s2 → ReLU;
 * conv5×5×32 → ReLU → avgpool3 s2; conv5×5×64 → ReLU → avgpool3 s2; fc 64; fc classes.
 * 'same' padding reproduces Caffe's 32→16→8→4 sizes. As in Caffe, no ReLU between the two fully
 * connected layers. ReLU commutes with max pooling, so conv1's ReLU is fused into the conv.
 * Pooling windows start at 0, 2, … and the last one is cut by the edge, as in Caffe (pad 0, ceil
 * rounding) and PyTorch's `ceil_mode=True`; average pooling divides by the inputs a window
 * covers, with the gradient of ops/avg-pool.ts (tfjs's own is wrong at the edge).
 */
import * as tf from '@tensorflow/tfjs';
import { avgPoolSame } from '../ops/avg-pool';
import { convBiasRelu } from '../ops/conv';
import { seededParams } from './init';
import type { Model } from './index';

export function buildShallow3(numClasses: number, seed: number): Model {
  const vars = seededParams('shallow3', numClasses, seed);
  const layer = (name: string) => ({ w: vars.get(`${name}.w`)!, b: vars.get(`${name}.b`)! });
  const [c1, c2, c3] = [layer('conv1'), layer('conv2'), layer('conv3')];
  const [fc1, fc2] = [layer('fc1'), layer('fc2')];
  // model-spec.ts order: conv1.w, conv1.b, …, fc2.w, fc2.b.
  const params = [...vars.values()];

  const convRelu = (x: tf.Tensor4D, l: { w: tf.Variable; b: tf.Variable }) =>
    convBiasRelu(x, l.w as tf.Tensor4D, l.b as tf.Tensor1D);

  function apply(x: tf.Tensor4D, _training: boolean): tf.Tensor2D {
    return tf.tidy((): tf.Tensor2D => {
      let h = tf.maxPool(convRelu(x, c1), 3, 2, 'same');
      h = avgPoolSame(convRelu(h, c2), 3, 2);
      h = avgPoolSame(convRelu(h, c3), 3, 2);
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
