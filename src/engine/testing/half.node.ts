/**
 * Reading f16 activation storage (ops/half-act.ts) back on the host, for tests: binary16
 * decoding, the pair layout undone, and f32 → f16 rounding to compare against.
 */

/** Decodes an IEEE binary16 bit pattern. */
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
