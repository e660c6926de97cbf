/**
 * Each WGSL kernel of the ResNet step (flat-bn, shortcut, global-pool, xent) against its tf-ops
 * implementation (`impl: 'tf-ops'`) on WebGPU (Dawn in Node), to 1e-4 absolute; the tf-ops side runs on cpu in resnet-step.test.ts, checked there
 * against autodiff.
 */
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seeded } from '../testing/seeded.node.js';
import { useBackend } from '../testing/backend.node.js';
import { bnApply, bnDx, bnStats, bnSums, runningUpdate, type BnSlot } from './flat-bn';
import { globalPool, globalPoolGrad } from './global-pool';
import type { ImplOption } from './kernels';
import { blockInputGrad } from './shortcut';
import { softmaxXentGrad, softmaxXentLoss } from './xent';

async function maxAbsDiff(a: tf.Tensor, b: tf.Tensor): Promise<number> {
  expect(a.shape).toEqual(b.shape);
  const d = tf.max(tf.abs(tf.sub(a, b)));
  const v = (await d.data())[0]!;
  d.dispose();
  return v;
}

/** Both implementations agree and the result is not trivially zero. */
async function expectSame(f: (opt: ImplOption) => tf.Tensor, tol = 1e-4): Promise<void> {
  const a = f({ impl: 'wgsl' });
  const b = f({ impl: 'tf-ops' });
  expect(await maxAbsDiff(a, b)).toBeLessThan(tol);
  const m = tf.max(tf.abs(b));
  expect((await m.data())[0]).toBeGreaterThan(1e-3);
  tf.dispose([a, b, m]);
}

describe('flat batch-norm kernels on webgpu match their tf-ops compositions', () => {
  // Layer of 3 channels at offset 2 of T = 8 (channels of other layers must be copied through).
  const slot: BnSlot = { offset: 2, channels: 3, total: 8 };
  let x: tf.Tensor4D;
  let chain: tf.Tensor2D;
  let params: tf.Tensor2D;
  beforeAll(async () => {
    await useBackend('webgpu');
    // 2·5·5 = 50 rows: not a multiple of the 256-thread workgroup.
    x = seeded([2, 5, 5, 3], 1, 2, 0.5) as tf.Tensor4D;
    chain = tf.abs(seeded([2, 8], 2)) as tf.Tensor2D;
    params = seeded([2, 8], 3, 0.5, 0.5) as tf.Tensor2D;
  });
  afterAll(() => tf.dispose([x, chain, params]));

  it('bnStats: batch mean and biased variance into the chain, other columns copied', async () => {
    await expectSame((f) => bnStats(x, chain, slot, f));
    const s = bnStats(x, chain, slot);
    const { mean, variance } = tf.moments(x, [0, 1, 2]);
    const got = await s.array();
    const m = await mean.data();
    const v = await variance.data();
    expect(got[0]![3]).toBeCloseTo(m[1]!, 4);
    expect(got[1]![4]).toBeCloseTo(v[2]!, 4);
    expect(got[0]![0]).toBeCloseTo((await chain.array())[0]![0]!, 6);
    tf.dispose([s, mean, variance]);
  });

  it.each([
    { name: 'no residual', relu: false, res: null },
    { name: 'identity shortcut + ReLU', relu: true, res: { stride: 1, pad: 0 } },
    { name: 'stride-2 padded shortcut + ReLU', relu: true, res: { stride: 2, pad: 1 } },
  ])('bnApply ($name)', async ({ relu, res }) => {
    const stats = bnStats(x, chain, slot);
    const h = res ? (seeded([2, 10, 10, 1], 4) as tf.Tensor4D) : null;
    const hSame = seeded([2, 5, 5, 3], 5) as tf.Tensor4D;
    const residual = res ? { h: res.stride === 1 ? hSame : h!, shortcut: res } : undefined;
    const at = { meanAt: slot.offset, varAt: slot.total + slot.offset };
    await expectSame((f) => bnApply(x, stats, stats, at, params, slot, { relu, residual }, f));
    tf.dispose([stats, hSame]);
    if (h) h.dispose();
  });

  it.each([true, false])('bnSums and bnDx (ReLU mask from γ, β: %s)', async (relu) => {
    const stats = bnStats(x, chain, slot);
    const dz = seeded(x.shape, 6) as tf.Tensor4D;
    const mask = relu ? { params } : null;
    await expectSame((f) => bnSums(dz, mask, x, stats, params, chain, slot, f));
    const sums = bnSums(dz, mask, x, stats, params, chain, slot);
    // Rows 2–5 carry the stats and γ, β, which the fused BN backward reads from there.
    const copy = tf.slice(sums, [2, 0], [4, slot.total]);
    const both = tf.concat([stats, params], 0);
    expect(sums.shape).toEqual([6, slot.total]);
    expect(await maxAbsDiff(copy, both)).toBe(0);
    await expectSame((f) => bnDx(dz, mask, x, stats, params, sums, slot, f));
    tf.dispose([stats, dz, sums, copy, both]);
  });

  it('the mask from γ, β is the forward ReLU: the same as dz masked by y = relu(BN(x))', async () => {
    const stats = bnStats(x, chain, slot);
    const dz = seeded(x.shape, 6) as tf.Tensor4D;
    const at = { meanAt: slot.offset, varAt: slot.total + slot.offset };
    const y = bnApply(x, stats, stats, at, params, slot, { relu: true });
    const zeros = tf.tidy(() => tf.sum(tf.cast(tf.equal(y, 0), 'int32')));
    expect((await zeros.data())[0]).toBeGreaterThan(5); // the mask is not all ones
    const masked = tf.mul(dz, tf.step(y)) as tf.Tensor4D;
    const sums = bnSums(dz, { params }, x, stats, params, chain, slot);
    const fromY = bnSums(masked, null, x, stats, params, chain, slot);
    expect(await maxAbsDiff(sums, fromY)).toBeLessThan(1e-6);
    const dx = bnDx(dz, { params }, x, stats, params, sums, slot);
    const dxFromY = bnDx(masked, null, x, stats, params, sums, slot);
    expect(await maxAbsDiff(dx, dxFromY)).toBeLessThan(1e-6);
    tf.dispose([stats, dz, y, zeros, masked, sums, fromY, dx, dxFromY]);
  });

  it.each([
    { stride: 1, pad: 0 },
    { stride: 2, pad: 1 },
  ])('blockInputGrad (%o)', async (sc) => {
    const g = seeded([2, 6, 6, 2], 8) as tf.Tensor4D;
    const outShape = sc.stride === 1 ? [2, 6, 6, 2] : [2, 3, 3, 4];
    const dSum = seeded(outShape, 9) as tf.Tensor4D;
    const input = seeded(g.shape, 10) as tf.Tensor4D; // about half its values are ≤ 0
    await expectSame((f) => blockInputGrad(g, dSum, input, sc, f));
    tf.dispose([g, dSum, input]);
  });

  it.each([0, 1] as const)('runningUpdate row %i', async (r) => {
    const running = seeded([8], 11);
    const factor = r === 1 ? tf.fill([8], 1.25) : null;
    await expectSame((f) => runningUpdate(running, chain, r, 0.1, factor, f), 1e-6);
    tf.dispose([running, ...(factor ? [factor] : [])]);
  });

  it('globalPool, globalPoolGrad, softmax cross-entropy and its gradient', async () => {
    const dp = seeded([2, 3], 12) as tf.Tensor2D;
    await expectSame((f) => globalPoolGrad(dp, x, f), 1e-6);
    await expectSame((f) => globalPool(x, f), 1e-5);
    const logits = seeded([3, 5], 13, 3) as tf.Tensor2D;
    const labels = tf.tensor1d([4, 0, 2], 'int32');
    await expectSame((f) => softmaxXentGrad(logits, labels, f), 1e-6);
    await expectSame((f) => softmaxXentLoss(logits, labels, f), 1e-5);
    const loss = softmaxXentLoss(logits, labels);
    expect(loss.shape).toEqual([]);
    tf.dispose([dp, logits, labels, loss]);
  });
});
