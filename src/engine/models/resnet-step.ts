/**
 * The ResNet's training pass written out by hand instead of taped by tfjs autodiff: the tape
 * clones every saved tensor (one Identity kernel each) and composes batch norm's backward from
 * many small ops. Here a conv + BN (+ shortcut) + ReLU unit costs at most 3 kernels forward
 * (conv, BN statistics, BN apply) and 3 backward (BN sums, then the conv's filter and input
 * gradients, which apply the BN backward as they load: ops/bn-backward-load.ts); a block's
 * residual gradient rides on its first unit's input gradient. Only what backward needs is
 * kept, and every tensor is freed as soon as it is used.
 *
 * A block's middle activation a = relu(BN(za)) is never stored: the block's second conv and its
 * filter gradient apply BN + ReLU to za as they load it (ops/input-bn.ts), and the first unit's
 * backward recomputes its ReLU mask from za (flat-bn.ts's `ReluMask`). That saves one kernel
 * and about five activation-sized memory passes per block.
 *
 * The maths is the same as autodiff of the plain composition (checked by resnet-step.test.ts):
 *   BN:  dx = γ·rstd·(dy − mean(dy) − x̂·mean(dy·x̂)),  dγ = Σ dy·x̂,  dβ = Σ dy.
 */
import * as tf from '@tensorflow/tfjs';
import { filterGrad } from '../ops/conv';
import type { BnBackward } from '../ops/bn-backward-load';
import { BESIDE_INPUT_GRAD_WORKGROUPS } from '../ops/conv-filter-grad';
import { convBnInput, convForward } from '../ops/conv-forward';
import { convInputGradBn, type ResidualGrad } from '../ops/conv-input-grad';
import { bnApply, bnStats, bnSums, runningUpdate, type BnSlot } from '../ops/flat-bn';
import type { InputBn } from '../ops/input-bn';
import { globalPool, globalPoolGrad } from '../ops/global-pool';
import { logicalShape } from '../ops/half-act';
import type { Shortcut } from '../ops/shortcut';
import { softmaxXentGrad, softmaxXentLoss } from '../ops/xent';

export const BN_MOMENTUM = 0.1;
/** Symmetric padding of every 3×3 conv: PyTorch's `padding=1` (see resnet.ts). */
export const RESNET_PAD = 1;

export interface ConvUnit {
  filter: tf.Variable;
  stride: number;
  slot: BnSlot;
}

export interface ResNetParts {
  stem: ConvUnit;
  blocks: { a: ConvUnit; b: ConvUnit; shortcut: Shortcut }[];
  /** [2, T]: γ row, β row of every BN layer. */
  bn: tf.Variable;
  runMean: tf.Variable;
  runVar: tf.Variable;
  fcW: tf.Variable;
  fcB: tf.Variable;
}

function matMul(a: tf.Tensor, b: tf.Tensor, transposeA: boolean, transposeB: boolean) {
  return tf.engine().runKernel('BatchMatMul', { a, b }, { transposeA, transposeB }) as tf.Tensor2D;
}

/** Activations one block keeps for its backward pass (not a = relu(BN(za)): see above). */
interface BlockSaved {
  hIn: tf.Tensor4D;
  za: tf.Tensor4D;
  zb: tf.Tensor4D;
  hOut: tf.Tensor4D;
}

interface Forward {
  logits: tf.Tensor2D;
  pooled: tf.Tensor2D;
  stats: tf.Tensor2D;
  stemIn: tf.Tensor4D;
  stemZ: tf.Tensor4D;
  blocks: BlockSaved[];
}

/** Takes parameter `index`'s gradient once nothing later in the step reads that parameter. */
export type GradSink = (index: number, grad: tf.Tensor) => void;

export interface ResNetStep {
  /** Training-mode logits (batch statistics; updates the running ones). */
  forward(x: tf.Tensor4D): tf.Tensor2D;
  /**
   * The loss and every parameter's gradient (in `params` order). With `onGrad`, each gradient
   * goes there instead, as soon as its parameter's last use in the step is past, and `grads` is
   * empty: the caller may update the parameter at once. A conv's split-K partial sums then die
   * within a few kernels instead of living to the end of the backward pass (at batch 128 they
   * add up to 1.4 MB per image for ResNet-56).
   */
  lossAndGrads(
    x: tf.Tensor4D,
    labels: tf.Tensor1D,
    onGrad?: GradSink,
  ): { loss: tf.Scalar; grads: tf.Tensor[] };
  dispose(): void;
}

export interface ResNetStepOptions {
  /**
   * Store every conv output z (a BN layer's input) as f16 pairs, computing in f32
   * (ops/half-act.ts): half the bytes of the step's most-moved tensors. WebGPU only; off by
   * default until a GPU measures it.
   */
  halfActivations?: boolean;
}

export function createResNetStep(net: ResNetParts, options: ResNetStepOptions = {}): ResNetStep {
  const total = net.stem.slot.total;
  const half = { halfOutput: options.halfActivations === true };
  let zeros: tf.Tensor2D | null = null;
  // n/(n−1) per channel (unbiased running variance, as PyTorch); depends on the batch size.
  const factors = new Map<number, tf.Tensor1D>();

  function unbiasFactor(x: tf.Tensor4D): tf.Tensor1D {
    const batch = x.shape[0];
    let f = factors.get(batch);
    if (!f) {
      const values = new Float32Array(total);
      let size = x.shape[1] * x.shape[2];
      const units = [net.stem, ...net.blocks.flatMap((b) => [b.a, b.b])];
      for (const u of units) {
        size /= u.stride * u.stride;
        const n = batch * size;
        values.fill(n / Math.max(1, n - 1), u.slot.offset, u.slot.offset + u.slot.channels);
      }
      f = tf.keep(tf.tensor1d(values));
      factors.set(batch, f);
    }
    return f;
  }

  function emptyChain(): tf.Tensor2D {
    zeros ??= tf.keep(tf.zeros([2, total]) as tf.Tensor2D);
    return zeros;
  }

  /** Replaces `chain` by `next`, freeing the old one unless it is the cached zeros. */
  function advance(chain: tf.Tensor2D, next: tf.Tensor2D): tf.Tensor2D {
    if (chain !== zeros) chain.dispose();
    return next;
  }

  function runForward(x: tf.Tensor4D): Forward {
    let stats = emptyChain();
    /** Conv (+ BN stats) of one unit; its input is x, or relu(BN(x)) of layer `pre`. */
    const convStats = (input: tf.Tensor4D, u: ConvUnit, pre?: BnSlot) => {
      const z = pre
        ? convBnInput(input, u.filter, u.stride, RESNET_PAD, inputBn(stats, pre), half)
        : convForward(input, u.filter, u.stride, RESNET_PAD, half);
      stats = advance(stats, bnStats(z, stats, u.slot));
      return z;
    };
    const apply = (
      z: tf.Tensor4D,
      u: ConvUnit,
      residual?: { h: tf.Tensor4D; shortcut: Shortcut },
    ) => {
      const at = { meanAt: u.slot.offset, varAt: total + u.slot.offset };
      const opts = residual ? { relu: true, residual } : { relu: true };
      return bnApply(z, stats, stats, at, net.bn, u.slot, opts);
    };
    const stemZ = convStats(x, net.stem);
    const blocks: BlockSaved[] = [];
    let h = apply(stemZ, net.stem);
    for (const block of net.blocks) {
      const za = convStats(h, block.a);
      const zb = convStats(za, block.b, block.a.slot);
      const hOut = apply(zb, block.b, { h, shortcut: block.shortcut });
      blocks.push({ hIn: h, za, zb, hOut });
      h = hOut;
    }
    const pooled = globalPool(h);
    const logits = tf
      .engine()
      .runKernel(
        '_FusedMatMul',
        { a: pooled, b: net.fcW, bias: net.fcB },
        { transposeA: false, transposeB: false, activation: 'linear' },
      ) as tf.Tensor2D;
    // Running statistics of every layer in two kernels.
    const mean = runningUpdate(net.runMean, stats, 0, BN_MOMENTUM, null);
    const variance = runningUpdate(net.runVar, stats, 1, BN_MOMENTUM, unbiasFactor(x));
    net.runMean.assign(mean);
    net.runVar.assign(variance);
    tf.dispose([mean, variance]);
    return { logits, pooled, stats, stemIn: x, stemZ, blocks };
  }

  function inputBn(stats: tf.Tensor, slot: BnSlot): InputBn {
    return { stats, params: net.bn, slot };
  }

  function disposeForward(f: Forward, keepLogits: boolean): void {
    const rest = [f.pooled, f.stats, f.stemZ, ...f.blocks.flatMap((b) => [b.hIn, b.za, b.zb])];
    if (f.blocks.length) rest.push(f.blocks[f.blocks.length - 1]!.hOut);
    if (!keepLogits) rest.push(f.logits);
    tf.dispose(rest);
  }

  return {
    forward(x) {
      const f = runForward(x);
      disposeForward(f, true);
      return f.logits;
    },

    lossAndGrads(x, labels, onGrad) {
      const f = runForward(x);
      const { bn } = net;
      // model-spec.ts order: stem, each block's a and b, bn, fc.w, fc.b.
      const nb = net.blocks.length;
      const grads: tf.Tensor[] = [];
      const emit = (index: number, grad: tf.Tensor) => {
        if (onGrad) onGrad(index, grad);
        else grads[index] = grad;
      };
      const loss = softmaxXentLoss(f.logits, labels);
      const dLogits = softmaxXentGrad(f.logits, labels);
      f.logits.dispose();
      const dW = matMul(f.pooled, dLogits, true, false);
      const dB = tf
        .engine()
        .runKernel('Sum', { x: dLogits }, { axis: [0], keepDims: false }) as tf.Tensor;
      const dPooled = matMul(dLogits, net.fcW, false, true);
      tf.dispose([dLogits, f.pooled]);
      emit(2 + 2 * nb, dW);
      emit(3 + 2 * nb, dB);

      const last = f.blocks[f.blocks.length - 1];
      const top = last ? last.hOut : f.stemIn;
      // dh: the gradient at the last ReLU's input, masked; each block passes its input's on.
      let dh = globalPoolGrad(dPooled, top);
      dPooled.dispose();

      let g = emptyChain();
      const stats = f.stats;
      /**
       * BN + ReLU backward of one unit, then its conv's gradients, which apply the BN backward
       * as they load dz (bn-backward-load.ts). `maskFromParams`: dz is not yet ReLU-masked and
       * the mask comes from z (the block's first unit); `pre`: the BN layer applied to `input`
       * as the conv loaded it, if any.
       */
      const unitBack = (
        dz: tf.Tensor4D,
        maskFromParams: boolean,
        z: tf.Tensor4D,
        input: tf.Tensor4D,
        u: ConvUnit,
        needDx: boolean,
        pre?: BnSlot,
        residual?: ResidualGrad,
      ) => {
        const mask = maskFromParams ? { params: bn } : null;
        g = advance(g, bnSums(dz, mask, z, stats, bn, g, u.slot));
        const back: BnBackward = {
          dz,
          z,
          stats,
          params: bn,
          sums: g,
          slot: u.slot,
          maskFromParams,
        };
        const shape = u.filter.shape as [number, number, number, number];
        const pads: [number, number] = [RESNET_PAD, RESNET_PAD];
        const inBn = pre ? inputBn(stats, pre) : undefined;
        // Split-K slices stay unsummed: sgdUpdate adds them (ops/fused.ts). With dx computed
        // too, the input gradient's workgroups share the GPU, so fewer slices suffice.
        const dw = filterGrad(input, back, shape, u.stride, pads, {
          inputBn: inBn,
          keepSplits: true,
          ...(needDx ? { targetWorkgroups: BESIDE_INPUT_GRAD_WORKGROUPS } : {}),
        });
        // A block's middle z may be stored as f16 pairs: dx has its logical shape.
        const inShape = pre ? logicalShape(input.shape, pre.channels) : input.shape;
        const dx = needDx
          ? convInputGradBn(back, u.filter, u.stride, RESNET_PAD, inShape, { residual })
          : null;
        return { dw, dx };
      };

      for (let k = nb - 1; k >= 0; k--) {
        const block = net.blocks[k]!;
        const s = f.blocks[k]!;
        const b = unitBack(dh, false, s.zb, s.za, block.b, true, block.a.slot);
        s.zb.dispose();
        emit(2 + 2 * k, b.dw);
        // The first unit's input gradient also adds the shortcut's and masks by the block's
        // input: the gradient at the block below's output, in one kernel.
        const residual = { dSum: dh, input: s.hIn, shortcut: block.shortcut };
        const a = unitBack(b.dx!, true, s.za, s.hIn, block.a, true, undefined, residual);
        tf.dispose([b.dx!, s.za, dh, s.hOut]);
        emit(1 + 2 * k, a.dw);
        dh = a.dx!;
      }
      const stem = unitBack(dh, false, f.stemZ, f.stemIn, net.stem, false);
      tf.dispose([dh, f.stemZ, f.blocks[0]?.hIn ?? top, stats]);
      emit(0, stem.dw);
      // γ and β are read by every unit's backward: their update comes last. Rows 2–5 of the
      // sums are the stats and γ, β (flat-bn.ts).
      const bnGrad = tf.slice(g, [0, 0], [2, total]);
      if (g !== zeros) g.dispose();
      emit(1 + 2 * nb, bnGrad);
      return { loss, grads };
    },

    dispose() {
      zeros?.dispose();
      zeros = null;
      for (const t of factors.values()) t.dispose();
      factors.clear();
    },
  };
}
