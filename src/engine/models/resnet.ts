/**
 * CIFAR ResNets of He et al. (2016, Sec. 4.2): depth 6n+2, three stages of n basic blocks with
 * 16/32/64 channels, 3×3 convolutions, BN+ReLU, parameter-free option-A shortcuts, global
 * average pooling and one fully connected layer. Built from tfjs-core ops and explicit variables.
 *
 * All batch-norm layers share flat buffers (see ops/flat-bn.ts): one trainable [2, T] variable
 * (γ row, β row) and two running-statistics variables [T], so the optimizer and the running
 * update touch three tensors instead of four per layer. Training uses the hand-written step of
 * resnet-step.ts; `apply(x, true)` is its forward pass.
 */
import * as tf from '@tensorflow/tfjs';
import { Rng } from '../../core/rng';
import { bnApply, globalPool, type BnSlot, type Shortcut } from '../ops/flat-bn';
import { constantVariable, heNormal } from './init';
import type { Model, ModelId } from './index';
import { createResNetStep, type ResNetParts } from './resnet-step';

function convUnit(rng: Rng, cin: number, cout: number, stride: number, offset: number) {
  return {
    filter: heNormal(rng, [3, 3, cin, cout], 3 * 3 * cin),
    stride,
    slot: { offset, channels: cout, total: 0 } as BnSlot,
  };
}

export function buildResNet(id: ModelId, n: number, numClasses: number, seed: number): Model {
  const rng = new Rng(seed);
  let offset = 0;
  const unit = (cin: number, cout: number, stride: number) => {
    const u = convUnit(rng, cin, cout, stride, offset);
    offset += cout;
    return u;
  };
  const stem = unit(3, 16, 1);
  const blocks: ResNetParts['blocks'] = [];
  let cin = 16;
  for (const [stage, cout] of [16, 32, 64].entries()) {
    for (let i = 0; i < n; i++) {
      const stride = stage > 0 && i === 0 ? 2 : 1;
      const shortcut: Shortcut = { stride, pad: (cout - cin) / 2 };
      blocks.push({ a: unit(cin, cout, stride), b: unit(cout, cout, 1), shortcut });
      cin = cout;
    }
  }
  const total = offset;
  const units = [stem, ...blocks.flatMap((b) => [b.a, b.b])];
  for (const u of units) u.slot.total = total;
  const fcW = heNormal(rng, [64, numClasses], 64);
  const fcB = constantVariable([numClasses], 0, true);
  const gammaBeta = new Float32Array(2 * total).fill(1, 0, total);
  const bnT = tf.tensor2d(gammaBeta, [2, total]);
  const bn = tf.variable(bnT, true);
  bnT.dispose();
  const runMean = constantVariable([total], 0, false);
  const runVar = constantVariable([total], 1, false);

  const parts: ResNetParts = { stem, blocks, bn, runMean, runVar, fcW, fcB };
  const params = [...units.map((u) => u.filter), bn, fcW, fcB];
  const step = createResNetStep(parts);

  /** Inference: running statistics, fused BN + shortcut + ReLU kernels. */
  function infer(x: tf.Tensor4D): tf.Tensor2D {
    return tf.tidy((): tf.Tensor2D => {
      const layer = (
        input: tf.Tensor4D,
        u: (typeof units)[number],
        residual?: { h: tf.Tensor4D; shortcut: Shortcut },
      ) => {
        const z = tf.conv2d(input, u.filter as tf.Tensor4D, u.stride, 'same');
        const at = { meanAt: u.slot.offset, varAt: u.slot.offset };
        const opts = residual ? { relu: true, residual } : { relu: true };
        return bnApply(z, runMean, runVar, at, bn, u.slot, opts);
      };
      let h = layer(x, stem);
      for (const block of blocks) {
        const a = layer(h, block.a);
        h = layer(a, block.b, { h, shortcut: block.shortcut });
      }
      return tf.add(tf.matMul(globalPool(h), fcW), fcB) as tf.Tensor2D;
    });
  }

  return {
    id,
    params,
    stats: [runMean, runVar],
    paramCount: params.reduce((s, p) => s + p.size, 0),
    apply: (x, training) => (training ? step.forward(x) : infer(x)),
    lossAndGrads: step.lossAndGrads,
    dispose() {
      for (const v of [...params, runMean, runVar]) v.dispose();
      step.dispose();
    },
  };
}
