/**
 * A BN layer's backward applied as a conv's gradients load dy (bn-backward-load.ts): the input
 * gradient (`convInputGradBn`, the implicit-GEMM kernel) and the tiled filter gradient with
 * `dy` given as a `BnBackward`, against float64 references computed here from the definitions,
 * and against the unfused path (bnDx, then tfjs's Conv2DBackpropInput), on WebGPU through Dawn
 * (SwiftShader) and on cpu.
 */
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { relL2 } from '../testing/compare.node.js';
import {
  activation64,
  bnBackward64,
  bnLayer,
  filterGrad64,
  inputGrad64,
  seeded,
} from '../testing/conv64.node.js';
import { useBackend } from '../testing/backend.node.js';
import type { BnBackward } from './bn-backward-load';
import { filterGrad } from './conv';
import { filterGradTiled } from './conv-filter-grad';
import { convGeometry } from './conv-geometry';
import { convInputGradBn } from './conv-input-grad';

const REL_TOL = 1e-5;

const CASES = [
  // batch, input h × w, ci → co, stride, ReLU mask from γ, β: odd sizes (rows not a multiple
  // of the 64-pixel tile), each column-tile width (ci is the output's channels here), stride 2
  // on even and odd inputs.
  { n: 3, h: 7, w: 5, ci: 5, co: 6, s: 1, mask: false },
  { n: 2, h: 8, w: 8, ci: 16, co: 16, s: 1, mask: true },
  { n: 2, h: 8, w: 8, ci: 16, co: 32, s: 2, mask: false },
  { n: 2, h: 9, w: 7, ci: 32, co: 64, s: 2, mask: true },
  { n: 1, h: 6, w: 5, ci: 70, co: 9, s: 1, mask: false },
] as const;

type Case = (typeof CASES)[number];

/** One case's tensors and their float64 dz_pre. */
function setup(c: Case, seed: number) {
  const g = convGeometry([c.n, c.h, c.w, c.ci], [3, 3, c.ci, c.co], c.s, [1, 1]);
  const outShape = [c.n, g.outHeight, g.outWidth, c.co];
  const size = outShape.reduce((a, b) => a * b, 1);
  const layer = bnLayer(c.co, seed);
  const t = layer.slot.total;
  const zv = seeded(size, seed + 10, 1.2, 0.3);
  const dzv = seeded(size, seed + 11);
  const sumsv = seeded(2 * t, seed + 12, 3);
  const back: BnBackward = {
    dz: tf.tensor4d(dzv, outShape as [number, number, number, number]),
    z: tf.tensor4d(zv, outShape as [number, number, number, number]),
    stats: tf.tensor2d(layer.stats, [2, t]),
    params: tf.tensor2d(layer.params, [2, t]),
    // bnSums's layout: the sums, then a copy of the stats and γ, β (the WebGPU prologue's).
    sums: tf.tensor2d([...sumsv, ...layer.stats, ...layer.params], [6, t]),
    slot: layer.slot,
    maskFromParams: c.mask,
  };
  const pre64 = bnBackward64(dzv, zv, c.co, layer, sumsv, c.mask);
  const dispose = () => tf.dispose([back.dz, back.z, back.stats, back.params, back.sums]);
  return { g, layer, back, dzv, pre64, dispose };
}

describe('on webgpu', () => {
  beforeAll(async () => {
    await useBackend('webgpu');
  });

  it.each(CASES)(
    'dx through the BN backward matches float64 and the unfused path to rel. L2 1e-5 (%o)',
    async (c) => {
      const { g, back, dzv, pre64, dispose } = setup(c, 10);
      const wv = seeded(9 * c.ci * c.co, 5, 0.3);
      const w = tf.tensor4d(wv, [3, 3, c.ci, c.co]);
      const shape = [c.n, c.h, c.w, c.ci];
      const ours = convInputGradBn(back, w, c.s, 1, shape);
      const unfused = convInputGradBn(back, w, c.s, 1, shape, { impl: 'tf-ops' });
      expect(ours.shape).toEqual(shape);
      const got = await ours.data();
      const ref = inputGrad64(pre64, wv, g);
      expect(relL2(got, ref)).toBeLessThan(REL_TOL);
      expect(relL2(await unfused.data(), ref)).toBeLessThan(REL_TOL);
      // Not trivially right: the gradient of raw dz (no BN backward) is far off.
      expect(relL2(got, inputGrad64(dzv, wv, g))).toBeGreaterThan(0.1);
      tf.dispose([w, ours, unfused]);
      dispose();
    },
  );

  it.each(CASES.filter((c) => c.co % c.ci === 0))(
    'with the residual epilogue, it is the block-input gradient, as float64 and unfused (%o)',
    async (c) => {
      // The block's first conv: dSum has its output's shape, the shortcut pads the channels.
      const { g, back, pre64, dispose } = setup(c, 60);
      const wv = seeded(9 * c.ci * c.co, 61, 0.3);
      const w = tf.tensor4d(wv, [3, 3, c.ci, c.co]);
      const shape: [number, number, number, number] = [c.n, c.h, c.w, c.ci];
      const outShape: [number, number, number, number] = [c.n, g.outHeight, g.outWidth, c.co];
      const dSumV = seeded(
        outShape.reduce((a, b) => a * b, 1),
        62,
      );
      const yv = seeded(c.n * c.h * c.w * c.ci, 63); // about half ≤ 0: the mask matters
      const shortcut = { stride: c.s, pad: (c.co - c.ci) / 2 };
      const residual = {
        dSum: tf.tensor4d(dSumV, outShape),
        input: tf.tensor4d(yv, shape),
        shortcut,
      };
      const ours = convInputGradBn(back, w, c.s, 1, shape, { residual });
      const unfused = convInputGradBn(back, w, c.s, 1, shape, { residual, impl: 'tf-ops' });
      // float64: dx, plus the shortcut's transpose of dSum, masked by the block input > 0.
      const dx = inputGrad64(pre64, wv, g);
      const ref = dx.map((v, i) => {
        const ch = i % c.ci;
        const pix = (i - ch) / c.ci;
        const [xi, yi] = [pix % c.w, Math.floor(pix / c.w) % c.h];
        const nb = Math.floor(pix / (c.w * c.h));
        if (xi % c.s === 0 && yi % c.s === 0) {
          const [yo, xo] = [yi / c.s, xi / c.s];
          v += dSumV[((nb * g.outHeight + yo) * g.outWidth + xo) * c.co + ch + shortcut.pad]!;
        }
        return yv[i]! > 0 ? v : 0;
      });
      expect(relL2(await ours.data(), ref)).toBeLessThan(REL_TOL);
      expect(relL2(await unfused.data(), ref)).toBeLessThan(REL_TOL);
      // Not trivially right: without the epilogue's terms the result is far off.
      expect(relL2(await ours.data(), dx)).toBeGreaterThan(0.1);
      tf.dispose([w, ours, unfused, residual.dSum, residual.input]);
      dispose();
    },
  );

  it.each(CASES)('dW through the BN backward matches float64 (%o)', async (c) => {
    const { g, back, dzv, pre64, dispose } = setup(c, 20);
    const xv = seeded(c.n * c.h * c.w * c.ci, 21);
    const x = tf.tensor4d(xv, [c.n, c.h, c.w, c.ci]);
    const shape = [3, 3, c.ci, c.co] as const;
    const ours = filterGradTiled(x, back, shape, c.s, [1, 1], { splits: 2 });
    const ref = filterGrad64(xv, pre64, g);
    const got = await ours.data();
    expect(relL2(got, ref)).toBeLessThan(REL_TOL);
    expect(relL2(got, filterGrad64(xv, dzv, g))).toBeGreaterThan(0.1);
    tf.dispose([x, ours]);
    dispose();
  });

  it('dW with both loads fused: x = relu(BN(z_in)) and dy through the BN backward', async () => {
    // The ResNet block's second conv: its input is the first unit's z, its dy the second BN's.
    const c = CASES[1];
    const { g, back, pre64, layer, dispose } = setup(c, 30);
    // The input's BN layer sits in the same [2, T] tensors, at another offset.
    const inLayer = { ...layer, slot: { offset: 0, channels: c.ci, total: layer.slot.total } };
    const zin = seeded(c.n * c.h * c.w * c.ci, 31, 1.2, 0.3);
    const z = tf.tensor4d(zin, [c.n, c.h, c.w, c.ci]);
    const inputBn = { stats: back.stats, params: back.params, slot: inLayer.slot };
    const shape = [3, 3, c.ci, c.co] as const;
    const ours = filterGradTiled(z, back, shape, c.s, [1, 1], { inputBn, splits: 3 });
    const viaOp = filterGrad(z, back, shape, c.s, [1, 1], { inputBn });
    const ref = filterGrad64(activation64(zin, c.ci, inLayer), pre64, g);
    expect(relL2(await ours.data(), ref)).toBeLessThan(REL_TOL);
    expect(relL2(await viaOp.data(), ref)).toBeLessThan(REL_TOL);
    tf.dispose([z, ours, viaOp]);
    dispose();
  });

  it('is one kernel (ScConvInputGrad) and frees what it makes', async () => {
    const c = CASES[2];
    const { back, dispose } = setup(c, 40);
    const w = tf.tensor4d(seeded(9 * c.ci * c.co, 41), [3, 3, c.ci, c.co]);
    const before = tf.memory().numTensors;
    const info = await tf.profile(() => convInputGradBn(back, w, c.s, 1, [c.n, c.h, c.w, c.ci]));
    expect(info.kernels.map((k) => k.name)).toEqual(['ScConvInputGrad']);
    expect(tf.memory().numTensors).toBe(before + 1);
    tf.dispose([w, info.result as tf.Tensor]);
    dispose();
  });
});

describe('on cpu', () => {
  let made: (() => void) | null = null;
  beforeAll(async () => {
    await useBackend('cpu');
  });
  afterAll(() => made?.());

  it('materialises dz_pre with bnDx and runs tfjs and the cpu filter gradient', async () => {
    const c = CASES[3];
    const { g, back, pre64, dispose } = setup(c, 50);
    made = dispose;
    const wv = seeded(9 * c.ci * c.co, 51, 0.3);
    const w = tf.tensor4d(wv, [3, 3, c.ci, c.co]);
    const dx = convInputGradBn(back, w, c.s, 1, [c.n, c.h, c.w, c.ci]);
    expect(relL2(await dx.data(), inputGrad64(pre64, wv, g))).toBeLessThan(REL_TOL);
    const xv = seeded(c.n * c.h * c.w * c.ci, 52);
    const x = tf.tensor4d(xv, [c.n, c.h, c.w, c.ci]);
    const dw = filterGrad(x, back, [3, 3, c.ci, c.co], c.s, [1, 1]);
    expect(relL2(await dw.data(), filterGrad64(xv, pre64, g))).toBeLessThan(REL_TOL);
    tf.dispose([w, dx, x, dw]);
  });
});
