/**
 * The tiled split-K filter gradient against a float64 reference (testing/conv64.node.ts) and against
 * tfjs's own Conv2DBackpropFilter, on WebGPU through Dawn (SwiftShader); its plan; the engine's
 * choice in ops/conv.ts's filterGrad; the optional re-registration of tfjs's kernel; and the cpu
 * fallback.
 */
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { relL2 } from '../testing/compare.node.js';
import { filterGrad64 } from '../testing/conv64.node.js';
import { Rng } from '../../core/rng';
import { useBackend } from '../testing/backend.node.js';
import { filterGrad } from './conv';
import {
  convGeometry,
  engineFilterGrad,
  filterGradTiled,
  planFilterGrad,
  BESIDE_INPUT_GRAD_WORKGROUPS,
  setEngineFilterGrad,
  tiledFilterGradAvailable,
  type ConvGeometry,
} from './conv-filter-grad';
import {
  conv2DBackpropFilterKernel,
  setConv2DBackpropFilterKernel,
} from './conv-filter-grad-global';

/** Float32 sums over K terms: error relative to the gradient's L2 norm stays far below this. */
const REL_TOL = 1e-5;

function seeded(shape: number[], seed: number): Float32Array {
  const rng = new Rng(seed);
  return Float32Array.from({ length: shape.reduce((a, b) => a * b, 1) }, () => rng.normal());
}

function tfjsFilterGrad(
  x: tf.Tensor4D,
  dy: tf.Tensor4D,
  filterShape: number[],
  stride: number,
  pad: 'same' | 'valid',
): tf.Tensor4D {
  const attrs = { strides: stride, pad, dataFormat: 'NHWC', filterShape };
  return tf.engine().runKernel('Conv2DBackpropFilter', { x, dy }, attrs) as tf.Tensor4D;
}

describe('planFilterGrad', () => {
  const geometry = (batch: number, hw: number, ci: number, co: number, stride: number) =>
    convGeometry([batch, hw, hw, ci], [3, 3, ci, co], stride, 'same');

  it.each([
    [128, 32, 16, 16, 1],
    [128, 32, 16, 32, 2],
    [128, 16, 32, 32, 1],
    [128, 8, 64, 64, 1],
    [3, 7, 5, 6, 1],
    [1, 2, 3, 4, 2],
  ])(
    'covers k = N·Ho·Wo exactly with non-empty slices (batch %i, %i², %i→%i, stride %i)',
    (b, hw, ci, co, s) => {
      const g = geometry(b, hw, ci, co, s);
      const p = planFilterGrad(g);
      const k = g.batch * g.outHeight * g.outWidth;
      expect(p.sliceK % p.tileK).toBe(0);
      expect(p.splits * p.sliceK).toBeGreaterThanOrEqual(k);
      expect((p.splits - 1) * p.sliceK).toBeLessThan(k);
      expect(p.tileN).toBeGreaterThanOrEqual(Math.min(co, 64));
    },
  );

  it('splits big batches into enough workgroups for a large GPU, and tiny ones not at all', () => {
    // ResNet-56 stage shapes at batch 128: the naive kernel would run 36–576 threads' worth.
    for (const [hw, c] of [
      [32, 16],
      [16, 32],
      [8, 64],
    ] as const) {
      const p = planFilterGrad(geometry(128, hw, c, c, 1));
      expect(p.workgroups).toBeGreaterThanOrEqual(128);
      expect(p.splits).toBeGreaterThan(1);
    }
    expect(planFilterGrad(geometry(1, 4, 16, 16, 1)).splits).toBe(1);
    expect(planFilterGrad(geometry(8, 8, 16, 16, 1), { splits: 5 }).splits).toBe(5);
  });

  it('beside its input gradient, takes the fewest slices that keep 64 workgroups', () => {
    for (const [hw, c] of [
      [32, 16],
      [16, 32],
      [8, 64],
    ] as const) {
      const g = geometry(128, hw, c, c, 1);
      const alone = planFilterGrad(g);
      const beside = planFilterGrad(g, { targetWorkgroups: BESIDE_INPUT_GRAD_WORKGROUPS });
      const tiles = beside.workgroups / beside.splits;
      expect(beside.workgroups).toBeGreaterThanOrEqual(BESIDE_INPUT_GRAD_WORKGROUPS);
      // One slice fewer would leave fewer than 64.
      expect((beside.splits - 1) * tiles).toBeLessThan(BESIDE_INPUT_GRAD_WORKGROUPS);
      // Fewer partial sums to write and read: ResNet-56's last stage 32 → 8 slices.
      expect(beside.splits).toBeLessThan(alone.splits);
    }
  });
});

describe('on webgpu', () => {
  beforeAll(async () => {
    await useBackend('webgpu');
  });
  afterAll(() => {
    setEngineFilterGrad('tiled');
    setConv2DBackpropFilterKernel('tfjs');
  });

  it.each([
    // batch, h, w, ci, co, filter, stride, pad, forced splits
    { n: 3, h: 7, w: 7, ci: 5, co: 6, f: 3, s: 1, pad: 'same', splits: 4 }, // odd sizes, 147 = 3·48 + 3
    { n: 3, h: 8, w: 8, ci: 16, co: 32, f: 3, s: 2, pad: 'same', splits: 5 }, // stride 2
    { n: 2, h: 7, w: 5, ci: 3, co: 16, f: 3, s: 2, pad: 'same', splits: 3 }, // odd, stride 2
    { n: 2, h: 5, w: 6, ci: 9, co: 70, f: 3, s: 1, pad: 'same' }, // 2×2 output tiles
    { n: 2, h: 7, w: 7, ci: 16, co: 32, f: 1, s: 2, pad: 'valid' }, // 1×1 projection
  ] as const)(
    'matches a float64 reference and tfjs to rel. L2 1e-5 (%o)',
    async ({ n, h, w, ci, co, f, s, pad, ...rest }) => {
      const filterShape = [f, f, ci, co] as const;
      const g = convGeometry([n, h, w, ci], filterShape, s, pad);
      const xv = seeded([n, h, w, ci], 31);
      const dyv = seeded([n, g.outHeight, g.outWidth, co], 32);
      const x = tf.tensor4d(xv, [n, h, w, ci]);
      const dy = tf.tensor4d(dyv, [n, g.outHeight, g.outWidth, co]);
      const opts = 'splits' in rest ? { splits: rest.splits } : { minSliceK: 16 };
      expect(planFilterGrad(g, opts).splits).toBeGreaterThan(1);
      const ours = filterGradTiled(x, dy, filterShape, s, pad, opts);
      const tfjs = tfjsFilterGrad(x, dy, [...filterShape], s, pad);
      expect(ours.shape).toEqual([...filterShape]);
      const ref = filterGrad64(xv, dyv, g);
      const got = await ours.data();
      expect(relL2(got, ref)).toBeLessThan(REL_TOL);
      expect(relL2(await tfjs.data(), ref)).toBeLessThan(REL_TOL);
      // Not trivially right: a wrong padding offset or a dropped slice moves the error to ~1.
      const shifted = convGeometry([n, h, w, ci], filterShape, s, [g.padTop + 1, g.padLeft]);
      expect(relL2(got, filterGrad64(xv, dyv, { ...shifted, ...pick(g) }))).toBeGreaterThan(0.1);
      tf.dispose([x, dy, ours, tfjs]);
    },
  );

  it("the engine's filterGrad runs the tiled kernel; the switch restores tfjs's", async () => {
    expect(tiledFilterGradAvailable()).toBe(true);
    const x = tf.tensor4d(seeded([2, 6, 6, 4], 41), [2, 6, 6, 4]);
    const dy = tf.tensor4d(seeded([2, 3, 3, 8], 43), [2, 3, 3, 8]);
    const run = async () => {
      const info = await tf.profile(() => filterGrad(x, dy, [3, 3, 4, 8], 2, 'same'));
      const result = info.result as tf.Tensor;
      const data = await result.data();
      result.dispose();
      return { kernels: info.kernels.map((k) => k.name), data };
    };
    const g = convGeometry(x.shape, [3, 3, 4, 8], 2, 'same');
    const ref = filterGrad64(await x.data(), await dy.data(), g);
    expect(engineFilterGrad()).toBe('tiled');
    const tiled = await run();
    expect(tiled.kernels).toEqual(['ScConvFilterGrad']);
    expect(relL2(tiled.data, ref)).toBeLessThan(REL_TOL);

    setEngineFilterGrad('tfjs');
    const tfjs = await run();
    expect(tfjs.kernels).toEqual(['Conv2DBackpropFilter']);
    expect(relL2(tfjs.data, ref)).toBeLessThan(REL_TOL);
    setEngineFilterGrad('tiled');
    tf.dispose([x, dy]);
  });

  it("replacing webgpu's Conv2DBackpropFilter speeds every caller and can be undone", async () => {
    const x = tf.tensor4d(seeded([2, 9, 9, 3], 51), [2, 9, 9, 3]);
    const w = tf.tensor4d(seeded([3, 3, 3, 5], 52), [3, 3, 3, 5]);
    const up = tf.tensor4d(seeded([2, 5, 5, 5], 53), [2, 5, 5, 5]);
    const dw = () =>
      tf.grad((wi: tf.Tensor) => tf.sum(tf.mul(tf.conv2d(x, wi as tf.Tensor4D, 2, 'same'), up)))(w);
    const before = dw();
    expect(conv2DBackpropFilterKernel()).toBe('tfjs');
    setConv2DBackpropFilterKernel('tiled');
    expect(conv2DBackpropFilterKernel()).toBe('tiled');
    const numTensors = tf.memory().numTensors;
    const replaced = dw();
    expect(tf.memory().numTensors).toBe(numTensors + 1); // no leaked partials
    const g = convGeometry(x.shape, w.shape, 2, 'same');
    const ref = filterGrad64(await x.data(), await up.data(), g);
    expect(relL2(await replaced.data(), ref)).toBeLessThan(REL_TOL);
    expect(relL2(await before.data(), ref)).toBeLessThan(REL_TOL);
    setConv2DBackpropFilterKernel('tfjs');
    expect(conv2DBackpropFilterKernel()).toBe('tfjs');
    tf.dispose([x, w, up, before, replaced]);
  });
});

describe('on cpu', () => {
  beforeAll(async () => {
    await useBackend('cpu');
  });

  it('keeps the forward-conv filter gradient (the tiled kernel is webgpu-only)', async () => {
    expect(tiledFilterGradAvailable()).toBe(false);
    const x = tf.tensor4d(seeded([2, 5, 5, 3], 61), [2, 5, 5, 3]);
    const w = tf.tensor4d(seeded([3, 3, 3, 4], 62), [3, 3, 3, 4]);
    expect(() => filterGradTiled(x, x, [3, 3, 3, 4], 1, 'same')).toThrow(/webgpu/);
    const up = tf.tensor4d(seeded([2, 5, 5, 4], 63), [2, 5, 5, 4]);
    const info = await tf.profile(() => filterGrad(x, up, [3, 3, 3, 4], 1, 'same'));
    const names = info.kernels.map((k) => k.name);
    expect(names).not.toContain('ScConvFilterGrad');
    expect(names).not.toContain('Conv2DBackpropFilter');
    const g = convGeometry(x.shape, w.shape, 1, 'same');
    const ref = filterGrad64(await x.data(), await up.data(), g);
    expect(relL2(await (info.result as tf.Tensor).data(), ref)).toBeLessThan(REL_TOL);
    tf.dispose([x, w, up, info.result as tf.Tensor]);
  });
});

/** The output-size fields of g (a shifted pad must not change the output's shape). */
function pick(g: ConvGeometry): Pick<ConvGeometry, 'outHeight' | 'outWidth'> {
  return { outHeight: g.outHeight, outWidth: g.outWidth };
}
