/**
 * Conv outputs stored as float16 ("half activations"): the optional storage mode of the ResNet
 * step (models/resnet-step.ts, `halfActivations`), off by default until a GPU measures it.
 *
 * A BN layer's input z is the step's most-moved tensor: written by its conv, then read by the
 * next conv's load, both gradients of its unit and the BN sums (docs/gpu-step.md). Stored as
 * f16 it moves half the bytes; every kernel still computes in f32 (the conv accumulates in
 * registers, BN statistics are f32), as mixed-precision training does.
 *
 * Layout: WGSL's core `pack2x16float` (no `shader-f16` feature needed) puts two channels in one
 * 32-bit word, and the words live in an ordinary float32 tensor of shape [N, H, W, C/2], so
 * tfjs's buffers, the replayed plan's bindings (all `array<f32>`) and the traffic count need no
 * change. Word w of a pixel holds channel w in its low half and channel w + C/2 in its high half:
 * the implicit-GEMM tile gives a thread the columns tx + j·C/4 (j = 0..3), so each thread owns
 * whole words (implicit-gemm.ts's `packOutput`) and no thread writes half a word.
 *
 * A word only moves between memory and `bitcast`, never through f32 arithmetic, so its bits are
 * kept even where they read as an f32 NaN or subnormal (which needs the high half to be an f16
 * infinity, NaN, zero or tiny subnormal).
 *
 * Which tensors are packed is read from their shapes: a BN layer's input whose last dimension is
 * half the layer's channel count holds f16 pairs (`isHalf`).
 */

/** Whether `shape` (a BN layer's input of `channels` channels) holds f16 pairs. */
export function isHalf(shape: readonly number[], channels: number): boolean {
  const last = shape[shape.length - 1]!;
  if (last === channels) return false;
  if (last * 2 === channels) return true;
  throw new Error(`half-act: a ${shape.join('×')} tensor is not a ${channels}-channel input`);
}

/** The shape as the conv and BN layers see it: C channels, not C/2 words. */
export function logicalShape(shape: readonly number[], channels: number): number[] {
  return isHalf(shape, channels) ? [...shape.slice(0, -1), channels] : [...shape];
}

/** The shape of a packed tensor of logical `shape`. */
export function packedShape(shape: readonly number[]): number[] {
  const c = shape[shape.length - 1]!;
  if (c % 2 !== 0) throw new Error(`half-act: ${c} channels cannot be packed in pairs`);
  return [...shape.slice(0, -1), c / 2];
}

/** Name of the WGSL function `halfReadWgsl` declares for binding `name`. */
const reader = (name: string) => `${name}_f16`;

/**
 * WGSL declaring `fn <name>_f16(i, ch) -> f32`: the value at logical flat index i (channel ch)
 * of the packed binding `name`, a tensor of `channels` channels.
 */
export function halfReadWgsl(name: string, channels: number): string {
  const half = channels / 2;
  return `
      fn ${reader(name)}(i : i32, ch : i32) -> f32 {
        let pair = unpack2x16float(bitcast<u32>(${name}[(i - ch) / 2 + ch % ${half}]));
        return select(pair.x, pair.y, ch >= ${half});
      }`;
}

/**
 * WGSL reading binding `name` at logical flat index `i` of channel `ch`: a plain load, or the
 * `halfReadWgsl` function's (which the program must declare) when `half`.
 */
export function readAct(name: string, half: boolean, i: string, ch: string): string {
  return half ? `${reader(name)}(${i}, ${ch})` : `${name}[${i}]`;
}

/** The helper declarations a program needs for its packed bindings (none when not half). */
export function halfHelpers(half: boolean, name: string, channels: number): string {
  return half ? halfReadWgsl(name, channels) : '';
}

/** Decodes an IEEE binary16 bit pattern (tests read packed tensors back with it). */
export function f16ToNumber(bits: number): number {
  const sign = bits & 0x8000 ? -1 : 1;
  const exp = (bits >> 10) & 0x1f;
  const frac = bits & 0x3ff;
  if (exp === 0) return sign * frac * 2 ** -24;
  if (exp === 31) return frac ? NaN : sign * Infinity;
  return sign * (1 + frac / 1024) * 2 ** (exp - 15);
}

/** A packed tensor's values in NHWC order (`words` as `data()` returns them). */
export function unpackHalf(words: Float32Array, channels: number): Float32Array {
  const bits = new Uint32Array(words.buffer, words.byteOffset, words.length);
  const half = channels / 2;
  const out = new Float32Array(words.length * 2);
  for (let w = 0; w < bits.length; w++) {
    const pixel = Math.floor(w / half);
    const c = w % half;
    out[pixel * channels + c] = f16ToNumber(bits[w]! & 0xffff);
    out[pixel * channels + c + half] = f16ToNumber(bits[w]! >>> 16);
  }
  return out;
}

/**
 * x rounded to the nearest binary16 value, ties to even. `pack2x16float` stores this or the
 * other f16 neighbour of x: WGSL leaves the direction to the implementation.
 */
export function roundToF16(x: number): number {
  if (!Number.isFinite(x) || x === 0) return x;
  const a = Math.abs(x);
  let e = Math.floor(Math.log2(a));
  if (2 ** e > a) e--;
  if (2 ** (e + 1) <= a) e++;
  // 10 fraction bits; below 2^-14 the spacing stays 2^-24 (subnormals).
  const q = 2 ** (Math.max(e, -14) - 10);
  const r = a / q;
  let f = Math.floor(r);
  const d = r - f;
  if (d > 0.5 || (d === 0.5 && f % 2 === 1)) f++;
  const v = f * q;
  return Math.sign(x) * (v > 65504 ? Infinity : v);
}
