/**
 * A BN(+ReLU) layer's backward applied to its output gradient as a convolution kernel loads it,
 * so that the gradient before BN, dz_pre = γ·rstd·(dy − Σdy/N − x̂·Σ(dy·x̂)/N), is never written:
 * the conv's input gradient (conv-input-grad.ts) and its filter gradient (conv-filter-grad.ts)
 * each read dy and z and recompute it. That removes the BN-backward kernel (ScBnDxFlat) and its
 * four activation-sized passes per conv unit for two extra reads (docs/gpu-step.md).
 *
 * The WGSL evaluates exactly `bnDx`'s expression (flat-bn.ts); `bnDx` is still what the other
 * backends (and `impl: 'tf-ops'`) run, through `materialise`.
 */
import * as tf from '@tensorflow/tfjs';
import { bnDx, FLAT_BN_EPS, type BnSlot } from './flat-bn';
import { halfHelpers, isHalf, logicalShape, readAct } from './half-act';

/** The backward of one BN(+ReLU) layer whose input was z, as a conv's gradient will load it. */
export interface BnBackward {
  /** Gradient at the layer's output: already masked, or masked by γ·x̂ + β > 0 (`maskFromParams`). */
  dz: tf.Tensor4D;
  /** The layer's input: the conv output whose gradient this is. */
  z: tf.Tensor4D;
  /**
   * [2, T] batch mean and biased variance; [2, T] γ, β; [6, T] Σdy·x̂, Σdy and a copy of both
   * (bnSums writes it). The WebGPU prologue reads everything from `sums`.
   */
  stats: tf.Tensor;
  params: tf.Tensor;
  sums: tf.Tensor;
  slot: BnSlot;
  /** The layer's ReLU mask is to be recomputed from z (the block's first unit, input-bn.ts). */
  maskFromParams: boolean;
}

export function isBnBackward(dy: tf.Tensor4D | BnBackward): dy is BnBackward {
  return !(dy instanceof tf.Tensor);
}

/**
 * Bindings the prologue reads: dy, z and the sums, whose rows 2–5 hold the stats and γ, β of
 * every layer (flat-bn.ts). WebGPU guarantees only 8 storage buffers per shader stage, the
 * output included: one tensor for all the per-channel constants leaves room for the input
 * gradient's residual epilogue, and for an input-BN prologue that reads the same rows
 * (input-bn.ts's `fromSums`).
 */
export const BN_BACKWARD_VARIABLES = ['gDZ', 'gZ', 'gD'];
export const BN_BACKWARD_UNIFORMS = 'gO : i32, gT : i32,';

/** The tensors bound as BN_BACKWARD_VARIABLES, in that order. */
export function bnBackwardInputs(b: BnBackward): [tf.Tensor, tf.Tensor, tf.Tensor] {
  return [b.dz, b.z, b.sums];
}

export function bnBackwardUniforms(b: { offset: number; total: number }) {
  return [
    { type: 'int32' as const, data: [b.offset] },
    { type: 'int32' as const, data: [b.total] },
  ];
}

/**
 * WGSL of the prologue for a layer of `channels` channels and `n` values per channel: `helpers`
 * declares `fn bnBackward(i, ch) -> f32`, dz_pre at flat index i (channel ch) of z's shape, from
 * per-channel constants (mean, rsqrt, γ, β; Σdy/N, Σdy·x̂/N) that `setup` stages in workgroup
 * memory once per workgroup (every thread runs it, `tid` and THREADS in scope; a barrier must
 * follow), so each of the nine taps that reload a value costs two loads and a few FMAs.
 */
export function bnBackwardWgsl(
  channels: number,
  n: number,
  maskFromParams: boolean,
  halfZ = false,
): { helpers: string; setup: string } {
  const dy = maskFromParams ? 'select(0.0, gDZ[i], k.z * xhat + k.w > 0.0)' : 'gDZ[i]';
  return {
    helpers: `${halfHelpers(halfZ, 'gZ', channels)}
      var<workgroup> gBnK : array<vec4<f32>, ${channels}>;
      var<workgroup> gBnM : array<vec2<f32>, ${channels}>;
      fn bnBackward(i : i32, ch : i32) -> f32 {
        let k = gBnK[ch];
        let md = gBnM[ch];
        let xhat = (${readAct('gZ', halfZ, 'i', 'ch')} - k.x) * k.y;
        let dy = ${dy};
        return k.z * k.y * (dy - md.x - xhat * md.y);
      }`,
    setup: `
        for (var c = tid; c < ${channels}; c += THREADS) {
          let o = uniforms.gO + c;
          let t = uniforms.gT;
          let rstd = inverseSqrt(gD[3 * t + o] + ${FLAT_BN_EPS});
          gBnK[c] = vec4<f32>(gD[2 * t + o], rstd, gD[4 * t + o], gD[5 * t + o]);
          gBnM[c] = vec2<f32>(gD[uniforms.gT + o] * ${1 / n}, gD[o] * ${1 / n});
        }`,
  };
}

/** Values per channel the layer's statistics were taken over (batch · height · width). */
export function perChannel(b: BnBackward): number {
  return b.dz.size / b.slot.channels;
}

/** Whether the layer's z is stored as f16 pairs (half-act.ts), checking it fits dy. */
export function halfZ(b: BnBackward): boolean {
  const half = isHalf(b.z.shape, b.slot.channels);
  if (logicalShape(b.z.shape, b.slot.channels).join() !== b.dz.shape.join())
    throw new Error(
      `BN backward: z ${b.z.shape.join('×')} does not fit dy ${b.dz.shape.join('×')}`,
    );
  return half;
}

/** dz_pre as a tensor: the unfused path (cpu, webgl, tf-ops and tfjs's own kernels). */
export function materialise(b: BnBackward): tf.Tensor4D {
  const mask = b.maskFromParams ? { params: b.params } : null;
  return bnDx(b.dz, mask, b.z, b.stats, b.params, b.sums, b.slot);
}
