/**
 * f16 activation storage (half-act.ts): the rounding and decoding the tests rely on, then, on
 * WebGPU through Dawn, that a conv stores its f32 output rounded to an f16 neighbour in the
 * pair layout, and that every kind of kernel reading a packed z (the next conv's BN load, BN
 * statistics, apply and sums) computes what it computes on the decoded f32 values.
 */
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { relL2 } from '../testing/compare.node.js';
import { bnLayer, seeded } from '../testing/conv64.node.js';
import { useBackend } from '../testing/backend.node.js';
import { convBnInput, convForward } from './conv-forward';
import { bnApply, bnStats, bnSums } from './flat-bn';
import { f16ToNumber, roundToF16, unpackHalf } from '../testing/half.node.js';
import { isHalf } from './half-act';

describe('f16 rounding and decoding', () => {
  it('rounds to nearest, ties to even, with subnormals and overflow', () => {
    expect(roundToF16(1 / 3)).toBe(0.333251953125);
    expect(roundToF16(1 + 2 ** -11)).toBe(1); // a tie: to the even 1
    expect(roundToF16(1 + 3 * 2 ** -11)).toBe(1 + 2 ** -9); // a tie: to the even 1 + 2^-9
    expect(roundToF16(-(2 ** -25) * 3)).toBe(-(2 ** -23)); // subnormal spacing 2^-24
    expect(roundToF16(65504)).toBe(65504);
    expect(roundToF16(70000)).toBe(Infinity);
  });

  it('decodes binary16 bit patterns', () => {
    expect(f16ToNumber(0x3c00)).toBe(1);
    expect(f16ToNumber(0xc000)).toBe(-2);
    expect(f16ToNumber(0x7bff)).toBe(65504);
    expect(f16ToNumber(0x0001)).toBe(2 ** -24);
    expect(f16ToNumber(0x7c00)).toBe(Infinity);
  });

  it('tells packed inputs by their last dimension', () => {
    expect(isHalf([2, 4, 4, 8], 16)).toBe(true);
    expect(isHalf([2, 4, 4, 16], 16)).toBe(false);
    expect(() => isHalf([2, 4, 4, 5], 16)).toThrow(/not a 16-channel/);
  });
});

describe('on webgpu', () => {
  const made: tf.Tensor[] = [];
  beforeAll(async () => {
    await useBackend('webgpu');
  });
  afterAll(() => tf.dispose(made));

  // Each column-tile width, and stride 2.
  const CASES = [
    { n: 2, h: 9, w: 7, ci: 3, co: 16, s: 1 },
    { n: 2, h: 8, w: 8, ci: 16, co: 32, s: 2 },
    { n: 1, h: 6, w: 5, ci: 32, co: 64, s: 1 },
  ] as const;

  it.each(CASES)('a conv stores its f32 output rounded to f16 ($co channels)', async (c) => {
    const x = tf.tensor4d(seeded(c.n * c.h * c.w * c.ci, 3, 1, 0.2), [c.n, c.h, c.w, c.ci]);
    const w = tf.tensor4d(seeded(9 * c.ci * c.co, 4, 0.3), [3, 3, c.ci, c.co]);
    const full = convForward(x, w, c.s, 1);
    const packed = convForward(x, w, c.s, 1, { halfOutput: true });
    made.push(x, w, full, packed);
    expect(packed.shape).toEqual([...full.shape.slice(0, 3), c.co / 2]);
    // WGSL leaves the direction to the implementation: either f16 neighbour of the f32 value.
    const f32 = await full.data();
    const got = unpackHalf((await packed.data()) as Float32Array, c.co);
    let off = 0;
    let rounded = 0;
    for (let i = 0; i < f32.length; i++) {
      const [v, g] = [f32[i]!, got[i]!];
      const spacing = 2 ** (Math.max(Math.floor(Math.log2(Math.abs(v))), -14) - 10);
      if (roundToF16(g) !== g || Math.abs(g - v) >= spacing) off++;
      if (g !== v) rounded++;
    }
    expect(off).toBe(0);
    expect(rounded).toBeGreaterThan(f32.length / 2);
  });

  it('kernels reading a packed z compute what they compute on its decoded values', async () => {
    const [n, h, w, c] = [2, 6, 6, 32];
    const layer = bnLayer(c, 5);
    const t = layer.slot.total;
    const stats = tf.tensor2d(layer.stats, [2, t]);
    const params = tf.tensor2d(layer.params, [2, t]);
    const x = tf.tensor4d(seeded(n * h * w * 16, 6, 1), [n, h, w, 16]);
    const w1 = tf.tensor4d(seeded(9 * 16 * c, 7, 0.3), [3, 3, 16, c]);
    const w2 = tf.tensor4d(seeded(9 * c * c, 8, 0.2), [3, 3, c, c]);
    const packed = convForward(x, w1, 1, 1, { halfOutput: true });
    const words = (await packed.data()) as Float32Array;
    const decoded = tf.tensor4d(unpackHalf(words, c), [n, h, w, c]);
    const dz = tf.tensor4d(seeded(n * h * w * c, 9, 0.5), [n, h, w, c]);
    const chain = tf.zeros([2, t]);
    made.push(stats, params, x, w1, w2, packed, decoded, dz, chain);
    const bn = { stats, params, slot: layer.slot };
    const at = { meanAt: layer.slot.offset, varAt: t + layer.slot.offset };
    const ops: [string, (z: tf.Tensor4D) => tf.Tensor][] = [
      ['conv with BN on load', (z) => convBnInput(z, w2, 1, 1, bn)],
      ['BN statistics', (z) => bnStats(z, chain, layer.slot)],
      ['BN apply', (z) => bnApply(z, stats, stats, at, params, layer.slot, { relu: true })],
      ['BN sums', (z) => bnSums(dz, { params }, z, stats, params, chain, layer.slot)],
    ];
    for (const [name, op] of ops) {
      const [a, b] = [op(packed), op(decoded)];
      made.push(a, b);
      expect(a.shape, name).toEqual(b.shape);
      expect(relL2(await a.data(), await b.data()), name).toBeLessThan(1e-6);
    }
  });
});
