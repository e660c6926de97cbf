/**
 * CIFAR ResNets of He et al. (2016, Sec. 4.2): depth 6n+2, three stages of n basic blocks with
 * 16/32/64 channels, 3×3 convolutions, BN+ReLU, parameter-free option-A shortcuts, global
 * average pooling and one fully connected layer. Built from tfjs-core ops and explicit variables.
 */
import * as tf from '@tensorflow/tfjs';
import { Rng } from '../../core/rng';
import { conv3x3 } from '../ops/conv';
import { batchNormInfer, batchNormTrain, OnesCache, type BatchNormLayer } from '../ops/batchnorm';
import { constantVariable, heNormal } from './init';
import type { Model, ModelId } from './index';

interface ConvBn {
  filter: tf.Variable;
  stride: number;
  bn: BatchNormLayer;
}

interface Block {
  a: ConvBn;
  b: ConvBn;
  /** Channels to zero-pad on each side when the shortcut changes width (option A). */
  padChannels: number;
  stride: number;
}

function convBn(rng: Rng, cin: number, cout: number, stride: number): ConvBn {
  return {
    filter: heNormal(rng, [3, 3, cin, cout], 3 * 3 * cin),
    stride,
    bn: {
      gamma: constantVariable([1, 1, cout], 1, true),
      beta: constantVariable([1, 1, cout], 0, true),
      runMean: constantVariable([1, 1, cout], 0, false),
      runVar: constantVariable([1, 1, cout], 1, false),
    },
  };
}

export function buildResNet(id: ModelId, n: number, numClasses: number, seed: number): Model {
  const rng = new Rng(seed);
  const ones = new OnesCache();
  const stem = convBn(rng, 3, 16, 1);
  const blocks: Block[] = [];
  let cin = 16;
  for (const [stage, cout] of [16, 32, 64].entries()) {
    for (let i = 0; i < n; i++) {
      const stride = stage > 0 && i === 0 ? 2 : 1;
      blocks.push({
        a: convBn(rng, cin, cout, stride),
        b: convBn(rng, cout, cout, 1),
        padChannels: (cout - cin) / 2,
        stride,
      });
      cin = cout;
    }
  }
  const fcW = heNormal(rng, [64, numClasses], 64);
  const fcB = constantVariable([numClasses], 0, true);

  const layers = [stem, ...blocks.flatMap((b) => [b.a, b.b])];
  const params = [...layers.flatMap((l) => [l.filter, l.bn.gamma, l.bn.beta]), fcW, fcB];
  const stats = layers.flatMap((l) => [l.bn.runMean, l.bn.runVar]);

  function convBnAct(
    x: tf.Tensor4D,
    l: ConvBn,
    training: boolean,
    relu: boolean,
    residual?: tf.Tensor4D,
  ): tf.Tensor4D {
    const z = conv3x3(x, l.filter as tf.Tensor4D, l.stride);
    const opts = residual ? { relu, residual } : { relu };
    return training ? batchNormTrain(z, l.bn, ones, opts) : batchNormInfer(z, l.bn, opts);
  }

  function shortcut(x: tf.Tensor4D, block: Block): tf.Tensor4D {
    if (block.stride === 1 && block.padChannels === 0) return x;
    // Option A: subsample with a 1×1 stride-2 average pool (StridedSlice has no gradient in
    // tfjs) and zero-pad the new channels.
    const sub = tf.avgPool(x, 1, block.stride, 'valid');
    const p = block.padChannels;
    return tf.pad(sub, [
      [0, 0],
      [0, 0],
      [0, 0],
      [p, p],
    ]);
  }

  function apply(x: tf.Tensor4D, training: boolean): tf.Tensor2D {
    return tf.tidy((): tf.Tensor2D => {
      let h = convBnAct(x, stem, training, true);
      for (const block of blocks) {
        const a = convBnAct(h, block.a, training, true);
        h = convBnAct(a, block.b, training, true, shortcut(h, block));
      }
      const [b, hh, ww, c] = h.shape;
      const pooled = tf.reshape(tf.avgPool(h, [hh, ww], 1, 'valid'), [b, c]) as tf.Tensor2D;
      return tf.fused.matMul({ a: pooled, b: fcW as tf.Tensor2D, bias: fcB }) as tf.Tensor2D;
    });
  }

  return {
    id,
    params,
    stats,
    paramCount: params.reduce((s, p) => s + p.size, 0),
    apply,
    dispose() {
      for (const v of [...params, ...stats]) v.dispose();
      ones.dispose();
    },
  };
}
