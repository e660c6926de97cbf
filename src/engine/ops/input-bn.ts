/**
 * Batch norm + ReLU applied to a convolution's input as the kernel loads it, so that the
 * activation a = relu(BN(z)) of a block's first unit is never written to memory: the second
 * conv (ops/conv-forward.ts) and its filter gradient (ops/conv-filter-grad.ts) read z and
 * normalise each value on the way into workgroup memory. That saves one dispatch (ScBnApply)
 * and about five activation-sized passes per block (docs/gpu-step.md).
 *
 * The WGSL evaluates exactly `bnApply`'s expression (flat-bn.ts), and the backward recomputes the
 * ReLU mask the same way (`ReluMask`), so the fused and unfused steps agree to rounding.
 * Zero padding stays zero: it pads the activation, not z, so out-of-image taps skip the prologue.
 */
import type * as tf from '@tensorflow/tfjs';
import { FLAT_BN_EPS, type BnSlot } from './flat-bn';

/** The BN layer whose output (after ReLU) is the conv's input; its stats chain and γ, β. */
export interface InputBn {
  /** [2, T] this step's batch statistics (mean row, biased-variance row). */
  stats: tf.Tensor;
  /** [2, T] γ row, β row. */
  params: tf.Tensor;
  slot: BnSlot;
}

/** Bindings the prologue reads, after the kernel's own. */
export const INPUT_BN_VARIABLES = ['bnS', 'bnG'];

/** Uniform fields: the layer's offset and T (shared pipelines across a stage's layers). */
export const INPUT_BN_UNIFORMS = 'bnO : i32, bnT : i32,';

export function inputBnUniforms(place: { offset: number; total: number }) {
  return [
    { type: 'int32' as const, data: [place.offset] },
    { type: 'int32' as const, data: [place.total] },
  ];
}

/**
 * WGSL of the prologue for a layer of `channels` channels: `helpers` declares
 * `fn inputBn(v, ch) -> f32` = relu(γ·(v − mean)·rsqrt(var + eps) + β) of channel ch, reading
 * (mean, rsqrt, γ, β) that `setup` stages in workgroup memory once per workgroup (every thread
 * runs it, `tid` and THREADS in scope; a barrier must follow). `fromSums`: read them from rows
 * 2–5 of the BN-backward sums (gD, bn-backward-load.ts) instead of bnS and bnG.
 */
export function inputBnWgsl(
  channels: number,
  fromSums = false,
): { helpers: string; setup: string } {
  const [mean, variance, gamma, beta] = fromSums
    ? ['gD[2 * t + o]', 'gD[3 * t + o]', 'gD[4 * t + o]', 'gD[5 * t + o]']
    : ['bnS[o]', 'bnS[t + o]', 'bnG[o]', 'bnG[t + o]'];
  return {
    helpers: `
      var<workgroup> inBnK : array<vec4<f32>, ${channels}>;
      fn inputBn(v : f32, ch : i32) -> f32 {
        let k = inBnK[ch];
        let xhat = (v - k.x) * k.y;
        return max(k.z * xhat + k.w, 0.0);
      }`,
    setup: `
        for (var c = tid; c < ${channels}; c += THREADS) {
          let o = uniforms.bnO + c;
          let t = uniforms.bnT;
          let rstd = inverseSqrt(${variance} + ${FLAT_BN_EPS});
          inBnK[c] = vec4<f32>(${mean}, rstd, ${gamma}, ${beta});
        }`,
  };
}
