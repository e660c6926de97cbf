/**
 * CIFAR ResNets of He et al. (2016, Sec. 4.2): depth 6n+2, three stages of n basic blocks with
 * 16/32/64 channels, 3×3 convolutions, BN+ReLU, parameter-free option-A shortcuts, global
 * average pooling and one fully connected layer. Built from tfjs-core ops and explicit variables.
 * Every 3×3 conv pads one pixel on each side (PyTorch's `padding=1`, Caffe's `pad: 1`): tfjs's
 * 'same' would pad a stride-2 conv on an even input only bottom/right, shifting every
 * downsampling window one pixel off the option-A shortcut's x[::2, ::2].
 *
 * All batch-norm layers share flat buffers (see ops/flat-bn.ts): one trainable [2, T] variable
 * (γ row, β row) and two running-statistics variables [T], so the optimizer and the running
 * update touch three tensors instead of four per layer. Training uses the hand-written step of
 * resnet-step.ts; `apply(x, true)` is its forward pass.
 */
import * as tf from '@tensorflow/tfjs';
import { resnetSpec, type ModelId, type ResNetUnitSpec } from '../../core/model-spec';
import { bnApply } from '../ops/flat-bn';
import { globalPool } from '../ops/global-pool';
import type { Shortcut } from '../ops/shortcut';
import { constantVariable, seededParams } from './init';
import type { Model } from './index';
import {
  createResNetStep,
  RESNET_PAD,
  type ConvUnit,
  type ResNetParts,
  type ResNetStepOptions,
} from './resnet-step';

export function buildResNet(
  id: ModelId,
  numClasses: number,
  seed: number,
  stepOptions: ResNetStepOptions = {},
): Model {
  const spec = resnetSpec(id);
  const vars = seededParams(id, numClasses, seed);
  const total = spec.bnTotal;
  const unit = (u: ResNetUnitSpec): ConvUnit => ({
    filter: vars.get(u.name)!,
    stride: u.stride,
    slot: { offset: u.bnOffset, channels: u.cout, total },
  });
  const stem = unit(spec.stem);
  const blocks: ResNetParts['blocks'] = spec.blocks.map((b) => ({
    a: unit(b.a),
    b: unit(b.b),
    shortcut: { stride: b.stride, pad: b.pad },
  }));
  const bn = vars.get('bn')!;
  const fcW = vars.get('fc.w')!;
  const fcB = vars.get('fc.b')!;
  const runMean = constantVariable([total], 0, false);
  const runVar = constantVariable([total], 1, false);

  const parts: ResNetParts = { stem, blocks, bn, runMean, runVar, fcW, fcB };
  // model-spec.ts order: unit filters in network order, bn, fc.w, fc.b.
  const params = [...vars.values()];
  const step = createResNetStep(parts, stepOptions);

  /** Inference: running statistics, fused BN + shortcut + ReLU kernels. */
  function infer(x: tf.Tensor4D): tf.Tensor2D {
    return tf.tidy((): tf.Tensor2D => {
      const layer = (
        input: tf.Tensor4D,
        u: ConvUnit,
        residual?: { h: tf.Tensor4D; shortcut: Shortcut },
      ) => {
        const z = tf.conv2d(input, u.filter as tf.Tensor4D, u.stride, RESNET_PAD);
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
