/**
 * BN + ReLU applied to a conv's input as it loads (input-bn.ts): the forward conv
 * (`convBnInput`) and the tiled filter gradient with `inputBn`, against float64 references
 * computed here from the definition, and against the unfused path (bnApply, then tfjs's conv or
 * the tiled kernel without the prologue), on WebGPU through Dawn (SwiftShader) and on cpu.
 */
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { relL2 } from '../testing/compare.node.js';
import {
  activation64,
  bnLayer,
  conv64,
  filterGrad64,
  padWith,
  seeded,
} from '../testing/conv64.node.js';
import { useBackend } from '../testing/backend.node.js';
import { filterGrad } from './conv';
import { filterGradTiled } from './conv-filter-grad';
import { convBnInput, convForward } from './conv-forward';
import { convGeometry } from './conv-geometry';
import type { InputBn } from './input-bn';

const REL_TOL = 1e-5;

const CASES = [
  // batch, h, w, ci, co, stride: odd sizes (k not a multiple of the 64-pixel tile), each
  // column-tile width (16, 32, 64 and a partial 2 × 64), and stride 2.
  { n: 3, h: 7, w: 5, ci: 5, co: 6, s: 1 },
  { n: 2, h: 8, w: 8, ci: 16, co: 16, s: 1 },
  { n: 2, h: 9, w: 9, ci: 16, co: 32, s: 2 },
  { n: 2, h: 6, w: 6, ci: 32, co: 64, s: 1 },
  { n: 1, h: 5, w: 6, ci: 9, co: 70, s: 1 },
] as const;

describe('on webgpu', () => {
  const made: tf.Tensor[] = [];
  beforeAll(async () => {
    await useBackend('webgpu');
  });
  afterAll(() => tf.dispose(made));

  function setup(c: (typeof CASES)[number], seed: number) {
    const { n, h, w, ci, co, s } = c;
    const g = convGeometry([n, h, w, ci], [3, 3, ci, co], s, [1, 1]);
    const layer = bnLayer(ci, seed);
    const zv = seeded(n * h * w * ci, seed + 10, 1.2, 0.3);
    const t = layer.slot.total;
    const bn: InputBn = {
      stats: tf.tensor2d(layer.stats, [2, t]),
      params: tf.tensor2d(layer.params, [2, t]),
      slot: layer.slot,
    };
    const z = tf.tensor4d(zv, [n, h, w, ci]);
    made.push(z, bn.stats, bn.params);
    return { g, layer, zv, z, bn, a64: activation64(zv, ci, layer) };
  }

  it.each(CASES)(
    'conv2d(relu(BN(z)), W) matches float64 and the unfused path to rel. L2 1e-5 (%o)',
    async (c) => {
      const { g, zv, z, bn, a64, layer } = setup(c, 100);
      const wv = seeded(9 * c.ci * c.co, 7, 0.3);
      const w = tf.tensor4d(wv, [3, 3, c.ci, c.co]);
      const ours = convBnInput(z, w, c.s, 1, bn);
      const unfused = convBnInput(z, w, c.s, 1, bn, { impl: 'tf-ops' });
      expect(ours.shape).toEqual([c.n, g.outHeight, g.outWidth, c.co]);
      const got = await ours.data();
      const ref = conv64(a64, wv, g);
      expect(relL2(got, ref)).toBeLessThan(REL_TOL);
      expect(relL2(await unfused.data(), ref)).toBeLessThan(REL_TOL);
      // Not trivially right: skipping BN, or BN-ing the zero padding, moves the error far off.
      expect(relL2(got, conv64(Float64Array.from(zv), wv, g))).toBeGreaterThan(0.1);
      const padBn = activation64(new Float32Array(c.ci), c.ci, layer);
      const [ap, gp] = padWith(a64, g, padBn);
      expect(relL2(got, conv64(ap, wv, gp))).toBeGreaterThan(0.01);
      tf.dispose([w, ours, unfused]);
    },
  );

  it.each(CASES)(
    'dW with x = relu(BN(z)) loaded by the tiled kernel matches float64 (%o)',
    async (c) => {
      const { g, z, bn, a64 } = setup(c, 200);
      const dyv = seeded(c.n * g.outHeight * g.outWidth * c.co, 9);
      const dy = tf.tensor4d(dyv, [c.n, g.outHeight, g.outWidth, c.co]);
      const shape = [3, 3, c.ci, c.co] as const;
      const fused = filterGradTiled(z, dy, shape, c.s, [1, 1], { inputBn: bn, splits: 2 });
      const viaOp = filterGrad(z, dy, shape, c.s, [1, 1], { inputBn: bn });
      const ref = filterGrad64(a64, dyv, g);
      expect(relL2(await fused.data(), ref)).toBeLessThan(REL_TOL);
      expect(relL2(await viaOp.data(), ref)).toBeLessThan(REL_TOL);
      // Without the prologue the same call computes dW of z itself: far from the reference.
      const plain = filterGradTiled(z, dy, shape, c.s, [1, 1]);
      expect(relL2(await plain.data(), ref)).toBeGreaterThan(0.1);
      tf.dispose([dy, fused, viaOp, plain]);
    },
  );

  it.each([...CASES, { n: 2, h: 9, w: 9, ci: 3, co: 16, s: 1 }])(
    'plain conv2d(x, W) (ScConv) matches float64 and tfjs to rel. L2 1e-5 (%o)',
    async (c) => {
      const g = convGeometry([c.n, c.h, c.w, c.ci], [3, 3, c.ci, c.co], c.s, [1, 1]);
      const xv = seeded(c.n * c.h * c.w * c.ci, 500);
      const wv = seeded(9 * c.ci * c.co, 501, 0.3);
      const x = tf.tensor4d(xv, [c.n, c.h, c.w, c.ci]);
      const w = tf.tensor4d(wv, [3, 3, c.ci, c.co]);
      const ours = convForward(x, w, c.s, 1);
      const tfjs = convForward(x, w, c.s, 1, { impl: 'tf-ops' });
      const ref = conv64(xv, wv, g);
      expect(relL2(await ours.data(), ref)).toBeLessThan(REL_TOL);
      expect(relL2(await tfjs.data(), ref)).toBeLessThan(REL_TOL);
      // Not trivially right: a one-pixel shift of the padding is far off.
      const shifted = convGeometry([c.n, c.h, c.w, c.ci], [3, 3, c.ci, c.co], c.s, [0, 1]);
      const off = conv64(xv, wv, { ...shifted, outHeight: g.outHeight, outWidth: g.outWidth });
      expect(relL2(await ours.data(), off)).toBeGreaterThan(0.1);
      tf.dispose([x, w, ours, tfjs]);
    },
  );

  it('is one kernel (ScConvBnInput) and frees what it makes', async () => {
    const { z, bn } = setup(CASES[1], 300);
    const w = tf.tensor4d(seeded(9 * 16 * 16, 3), [3, 3, 16, 16]);
    const before = tf.memory().numTensors;
    const info = await tf.profile(() => convBnInput(z, w, 1, 1, bn));
    expect(info.kernels.map((k) => k.name)).toEqual(['ScConvBnInput']);
    expect(tf.memory().numTensors).toBe(before + 1);
    tf.dispose([w, info.result as tf.Tensor]);
  });
});

describe('on cpu', () => {
  beforeAll(async () => {
    await useBackend('cpu');
  });

  it('materialises relu(BN(z)) and runs tfjs conv and the cpu filter gradient', async () => {
    const c = CASES[2];
    const g = convGeometry([c.n, c.h, c.w, c.ci], [3, 3, c.ci, c.co], c.s, [1, 1]);
    const layer = bnLayer(c.ci, 400);
    const zv = seeded(c.n * c.h * c.w * c.ci, 401);
    const t = layer.slot.total;
    const bn: InputBn = {
      stats: tf.tensor2d(layer.stats, [2, t]),
      params: tf.tensor2d(layer.params, [2, t]),
      slot: layer.slot,
    };
    const z = tf.tensor4d(zv, [c.n, c.h, c.w, c.ci]);
    const wv = seeded(9 * c.ci * c.co, 402, 0.3);
    const w = tf.tensor4d(wv, [3, 3, c.ci, c.co]);
    const dyv = seeded(c.n * g.outHeight * g.outWidth * c.co, 403);
    const dy = tf.tensor4d(dyv, [c.n, g.outHeight, g.outWidth, c.co]);
    const a64 = activation64(zv, c.ci, layer);
    const y = convBnInput(z, w, c.s, 1, bn);
    expect(relL2(await y.data(), conv64(a64, wv, g))).toBeLessThan(REL_TOL);
    const dw = filterGrad(z, dy, [3, 3, c.ci, c.co], c.s, [1, 1], { inputBn: bn });
    expect(relL2(await dw.data(), filterGrad64(a64, dyv, g))).toBeLessThan(REL_TOL);
    tf.dispose([bn.stats, bn.params, z, w, dy, y, dw]);
  });
});
