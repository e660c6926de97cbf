/**
 * Test helpers: float64 references for the engine's convolutions with BN work on their loads
 * (ops/input-bn.ts, ops/bn-backward-load.ts), straight from the definitions (zero padding
 * outside the image), and the seeded layers the tests build them from.
 */
import { Rng } from '../../core/rng';
import { convGeometry, type ConvGeometry } from '../ops/conv-geometry';
import { FLAT_BN_EPS, type BnSlot } from '../ops/flat-bn';

export function seeded(n: number, seed: number, scale = 1, offset = 0): Float32Array {
  const rng = new Rng(seed);
  return Float32Array.from({ length: n }, () => offset + scale * rng.normal());
}

/** A BN layer of `c` channels at offset 3 of T = c + 5, with statistics and γ, β. */
export function bnLayer(c: number, seed: number) {
  const slot: BnSlot = { offset: 3, channels: c, total: c + 5 };
  const t = slot.total;
  const stats = new Float32Array(2 * t);
  const params = new Float32Array(2 * t);
  const mean = seeded(t, seed, 0.5);
  const variance = seeded(t, seed + 1, 0.3, 1).map(Math.abs);
  const gamma = seeded(t, seed + 2, 0.5, 1);
  // β mostly positive: relu(BN(0)) ≠ 0 for most channels, so BN-ing the zero padding would show.
  const beta = seeded(t, seed + 3, 0.5, 0.8);
  stats.set(mean, 0);
  stats.set(variance, t);
  params.set(gamma, 0);
  params.set(beta, t);
  return { slot, stats, params };
}

export type Layer = ReturnType<typeof bnLayer>;

/** relu(γ·(z − mean)/sqrt(var + eps) + β) in float64, per channel of NHWC z. */
export function activation64(z: Float32Array, c: number, bn: Layer): Float64Array {
  const { offset: o, total: t } = bn.slot;
  return Float64Array.from(z, (v, i) => {
    const ch = o + (i % c);
    const xhat = (v - bn.stats[ch]!) / Math.sqrt(bn.stats[t + ch]! + FLAT_BN_EPS);
    return Math.max(0, bn.params[ch]! * xhat + bn.params[t + ch]!);
  });
}

/** Visits every (output pixel, tap) pair of g that lands inside the image. */
export function eachTap(
  g: ConvGeometry,
  f: (xBase: number, outBase: number, wBase: number) => void,
): void {
  for (let n = 0; n < g.batch; n++)
    for (let oy = 0; oy < g.outHeight; oy++)
      for (let ox = 0; ox < g.outWidth; ox++)
        for (let kh = 0; kh < g.filterHeight; kh++)
          for (let kw = 0; kw < g.filterWidth; kw++) {
            const iy = oy * g.strideHeight + kh - g.padTop;
            const ix = ox * g.strideWidth + kw - g.padLeft;
            if (iy < 0 || iy >= g.inHeight || ix < 0 || ix >= g.inWidth) continue;
            const xBase = ((n * g.inHeight + iy) * g.inWidth + ix) * g.inChannels;
            const outBase = ((n * g.outHeight + oy) * g.outWidth + ox) * g.outChannels;
            f(xBase, outBase, (kh * g.filterWidth + kw) * g.inChannels * g.outChannels);
          }
}

export function conv64(a: ArrayLike<number>, w: Float32Array, g: ConvGeometry): Float64Array {
  const out = new Float64Array(g.batch * g.outHeight * g.outWidth * g.outChannels);
  const { inChannels: CI, outChannels: CO } = g;
  eachTap(g, (xb, ob, wb) => {
    for (let ci = 0; ci < CI; ci++)
      for (let co = 0; co < CO; co++) out[ob + co]! += a[xb + ci]! * w[wb + ci * CO + co]!;
  });
  return out;
}

export function filterGrad64(
  a: ArrayLike<number>,
  dy: ArrayLike<number>,
  g: ConvGeometry,
): Float64Array {
  const { inChannels: CI, outChannels: CO } = g;
  const out = new Float64Array(g.filterHeight * g.filterWidth * CI * CO);
  eachTap(g, (xb, ob, wb) => {
    for (let ci = 0; ci < CI; ci++)
      for (let co = 0; co < CO; co++) out[wb + ci * CO + co]! += a[xb + ci]! * dy[ob + co]!;
  });
  return out;
}

/** `a` with a one-pixel border of `value` (per channel), and g for it without padding. */
export function padWith(
  a: Float64Array,
  g: ConvGeometry,
  value: Float64Array,
): [Float64Array, ConvGeometry] {
  const { batch: n, inHeight: h, inWidth: w, inChannels: c } = g;
  const out = new Float64Array(n * (h + 2) * (w + 2) * c);
  for (let b = 0; b < n; b++)
    for (let y = 0; y < h + 2; y++)
      for (let x = 0; x < w + 2; x++)
        for (let ch = 0; ch < c; ch++) {
          const inside = y > 0 && y <= h && x > 0 && x <= w;
          const v = inside ? a[((b * h + y - 1) * w + x - 1) * c + ch]! : value[ch]!;
          out[((b * (h + 2) + y) * (w + 2) + x) * c + ch] = v;
        }
  const shape = [g.filterHeight, g.filterWidth, c, g.outChannels];
  return [out, convGeometry([n, h + 2, w + 2, c], shape, g.strideHeight, [0, 0])];
}

/**
 * dz_pre = γ·rstd·(dy − Σdy/N − x̂·Σ(dy·x̂)/N) in float64 for NHWC z and dz of one BN layer, with
 * the layer's sums chain `sums` ([2, T]: Σdy·x̂ row, Σdy row) and, with `maskFromParams`, dy =
 * dz where γ·x̂ + β > 0 (else dy = dz).
 */
export function bnBackward64(
  dz: Float32Array,
  z: Float32Array,
  c: number,
  bn: Layer,
  sums: Float32Array,
  maskFromParams: boolean,
): Float64Array {
  const { offset: o, total: t } = bn.slot;
  const n = z.length / c;
  return Float64Array.from(z, (v, i) => {
    const ch = o + (i % c);
    const rstd = 1 / Math.sqrt(bn.stats[t + ch]! + FLAT_BN_EPS);
    const xhat = (v - bn.stats[ch]!) * rstd;
    const on = !maskFromParams || bn.params[ch]! * xhat + bn.params[t + ch]! > 0;
    const dy = on ? dz[i]! : 0;
    return bn.params[ch]! * rstd * (dy - sums[t + ch]! / n - (xhat * sums[ch]!) / n);
  });
}

/** dx of a conv of geometry g given dy (as its output), in float64. */
export function inputGrad64(dy: ArrayLike<number>, w: Float32Array, g: ConvGeometry): Float64Array {
  const out = new Float64Array(g.batch * g.inHeight * g.inWidth * g.inChannels);
  const { inChannels: CI, outChannels: CO } = g;
  eachTap(g, (xb, ob, wb) => {
    for (let ci = 0; ci < CI; ci++)
      for (let co = 0; co < CO; co++) out[xb + ci]! += dy[ob + co]! * w[wb + ci * CO + co]!;
  });
  return out;
}
