/**
 * WGSL scaffolding of the flat batch-norm kernels (flat-bn.ts): layer offsets as uniforms, the
 * one-workgroup-per-channel main that also copies the chain, and how a kernel reads the layer's
 * input, which may be stored as f16 pairs (half-act.ts).
 */
import type * as tf from '@tensorflow/tfjs';
import type { BnSlot } from './flat-bn';
import { halfHelpers, isHalf, readAct } from './half-act';
import type { Program } from './kernels';
import { REDUCE, REDUCE_THREADS as WG } from './wgsl';

/**
 * Layer offsets go in as uniforms (o: the slot's offset, tot: T, mAt / vAt: where mean and
 * variance are read), so layers of one stage share a compiled pipeline.
 */
export function withSlot(
  p: Program,
  slot: BnSlot,
  at?: { meanAt: number; varAt: number },
): Program {
  const { offset, total } = slot;
  p.uniforms = 'o : i32, tot : i32, mAt : i32, vAt : i32,';
  p.uniformData = [offset, total, at?.meanAt ?? offset, at?.varAt ?? total + offset];
  return p;
}

/**
 * A kernel of one workgroup per channel `ch` of layer `slot` (thread `t`) writing a chain: it
 * first copies the other layers' entries from input P (workgroup c takes every C-th block), and
 * rows 2–5 of a [6, T] output from the stats S and the params G.
 */
export function perChannelMain(
  slot: BnSlot,
  body: string,
  helpers: string,
  withStats = false,
): string {
  const c = slot.channels;
  const stats = withStats
    ? `if (j >= 4 * uniforms.tot) { result[j] = G[j - 4 * uniforms.tot]; }
       else if (j >= 2 * uniforms.tot) { result[j] = S[j - 2 * uniforms.tot]; } else `
    : '';
  return `
      ${REDUCE}
      ${helpers}
      fn main(index : i32) {
        let t = i32(localId.x);
        let ch = i32(workgroupId.x);
        for (var j = i32(workgroupId.x) * ${WG} + t; j < uniforms.size; j = j + ${c * WG}) {
          let k = j % uniforms.tot;
          ${stats}if (k < uniforms.o || k >= uniforms.o + ${c}) { result[j] = P[j]; }
        }
        ${body}
      }`;
}

/**
 * How a kernel reads a layer's input X: its channels, values per channel, whether it is stored
 * as f16 pairs (ops/half-act.ts), the WGSL of a read, and the helpers that read needs.
 */
export function zOf(x: tf.Tensor, slot: BnSlot) {
  const c = slot.channels;
  const half = isHalf(x.shape, c);
  const n = (x.size * (half ? 2 : 1)) / c;
  const read = (i: string, ch: string) => readAct('X', half, i, ch);
  return { c, n, half, read, helpers: halfHelpers(half, 'X', c) };
}
