/**
 * BN sums from the joined gradients that write their dy (fuse-sums.ts) against a float64
 * reference, on WebGPU in Node, recorded into a plan and replayed with new inputs:
 * - a second unit's backward (its BN sums, filter and input gradients) and the block's first BN
 *   layer's `bnSums` must give Σdy·x̂ and Σdy of the masked input gradient;
 * - a first unit's backward (its residual epilogue) and the block below's second BN layer's
 *   `bnSums` must give them of the block input's gradient as the epilogue stored it;
 * and both must copy the rest of the chain.
 */
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import type { BnBackward } from '../ops/bn-backward-load';
import { filterGrad } from '../ops/conv';
import { convInputGradBn } from '../ops/conv-input-grad';
import { bnSums, FLAT_BN_EPS, type BnSlot } from '../ops/flat-bn';
import { useBackend } from '../testing/backend.node.js';
import { bnState } from '../testing/seeded.node.js';
import { bufferOf, webGpuInternals } from './internals';
import { PlanRunner } from './plan-runner';
import { copy } from './replayer';

const T = 40;
const A: BnSlot = { offset: 3, channels: 16, total: T };
const B: BnSlot = { offset: 20, channels: 16, total: T };

/**
 * Σdy·x̂ and Σdy per channel of layer A in float64, dy = dx where γ·x̂ + β > 0, and per channel
 * the contribution of values so near the mask's edge that float32 may decide them otherwise.
 */
function reference(
  dx: Float32Array,
  z: Float32Array,
  stats: Float32Array,
  bn: Float32Array,
  { offset, channels: c }: BnSlot = A,
  masked = true,
) {
  const [sdx, sd, slack] = [0, 1, 2].map(() => new Array<number>(c).fill(0)) as [
    number[],
    number[],
    number[],
  ];
  for (let i = 0; i < dx.length; i++) {
    const ch = i % c;
    const o = offset + ch;
    const xhat = (z[i]! - stats[o]!) / Math.sqrt(stats[T + o]! + FLAT_BN_EPS);
    const edge = masked ? bn[o]! * xhat + bn[T + o]! : 1;
    if (Math.abs(edge) < 1e-5) slack[ch]! += Math.abs(dx[i]!) * (1 + Math.abs(xhat));
    else if (edge > 0) {
      sdx[ch]! += dx[i]! * xhat;
      sd[ch]! += dx[i]!;
    }
  }
  return { sdx, sd, slack };
}

/** Per channel of `slot`: `got` (a [6, T] chain) holds `ref`'s sums, and the chain elsewhere. */
function expectChain(
  got: Float32Array,
  ref: ReturnType<typeof reference>,
  rowsPerChannel: number,
  slot: BnSlot,
  [chainV, statsV, bnV]: Float32Array[],
) {
  for (let ch = 0; ch < slot.channels; ch++) {
    const o = slot.offset + ch;
    // Float32 sums over n values: scaled by the sum of magnitudes, plus the mask's edge.
    const tol = 1e-5 * Math.sqrt(rowsPerChannel) + ref.slack[ch]!;
    expect(Math.abs(got[o]! - ref.sdx[ch]!)).toBeLessThan(tol);
    expect(Math.abs(got[T + o]! - ref.sd[ch]!)).toBeLessThan(tol);
  }
  const rows = Array.from(got);
  for (let k = 0; k < T; k++) {
    if (k >= slot.offset && k < slot.offset + slot.channels) continue;
    expect([rows[k], rows[T + k]]).toEqual([chainV![k], chainV![T + k]]);
  }
  expect(rows.slice(2 * T)).toEqual([...statsV!, ...bnV!]);
}

/**
 * Records `body` (which reads the `slots`) into a plan and replays it with new random inputs,
 * checking each result against `check` run on what stepping through tfjs gives.
 */
async function replayed(
  slots: tf.Tensor4D[],
  body: () => tf.Tensor,
  check: (got: Float32Array, inputs: Float32Array[]) => Promise<void>,
) {
  const b = webGpuInternals()!;
  const runner = new PlanRunner(b);
  for (let s = 0; s < 4; s++) {
    const inputs = slots.map((x, k) => tf.randomNormal(x.shape, 0, 1, 'float32', 10 * s + k));
    const into = (e: GPUCommandEncoder) =>
      inputs.forEach((x, k) => copy(e, bufferOf(b, x), bufferOf(b, slots[k]!), x.size));
    const out = runner.run(into, body);
    // The slots' own data() would be tfjs's cached copy: the plan writes them behind its back.
    const values = (await Promise.all(inputs.map((x) => x.data()))) as Float32Array[];
    await check((await out.data()) as Float32Array, values);
    tf.dispose([...inputs, out]);
  }
  // Through tfjs, recorded, then two replays with the sums from the pair's tiles.
  expect(runner.report()).toMatchObject({ recordings: 1, replays: 2, gradPairs: 1, sumsFused: 1 });
  runner.dispose();
}

describe('BN sums from the joined gradients that write their dy, replayed', () => {
  beforeAll(async () => {
    await useBackend('webgpu');
  });

  // 300 rows: a partial last tile. 18,432 rows: 288 tiles, more than the finalize's 256 threads.
  it.each([[[3, 10, 10, 16]], [[4, 72, 64, 16]]] as const)(
    "a block's first layer's: float64 sums of the masked input gradient in x %j, the chain copied",
    async (shape) => {
      const w = tf.randomNormal([3, 3, 16, 16], 0, 0.3, 'float32', 5);
      const { stats, bn } = bnState(T);
      const chain = tf.randomUniform([2, T], -1, 1, 'float32', 10);
      // The slots a replay fills: the block's output gradient, and the two convs' outputs.
      const [dh, za, zb] = [0, 1, 2].map(() => tf.zeros([...shape]) as tf.Tensor4D);
      const back = (g: tf.Tensor): BnBackward => ({
        dz: dh!,
        z: zb!,
        stats,
        params: bn,
        sums: g,
        slot: B,
        maskFromParams: false,
      });
      // What resnet-step.ts runs for a block's second unit, then the first unit's BN sums.
      const secondUnit = () => {
        const g = bnSums(dh!, null, zb!, stats, bn, chain, B);
        const inputBn = { stats, params: bn, slot: A };
        filterGrad(za!, back(g), [3, 3, 16, 16], 1, [1, 1], { inputBn, keepSplits: true });
        return convInputGradBn(back(g), w, 1, 1, za!.shape);
      };
      const state = (await Promise.all([chain.data(), stats.data(), bn.data()])) as Float32Array[];
      await replayed(
        [dh!, za!, zb!],
        () => tf.tidy(() => bnSums(secondUnit(), { params: bn }, za!, stats, bn, chain, A)),
        async (got, [, zaV]) => {
          const dx = tf.tidy(secondUnit);
          const ref = reference((await dx.data()) as Float32Array, zaV!, state[1]!, state[2]!);
          expectChain(got, ref, zaV!.length / A.channels, A, state);
          dx.dispose();
        },
      );
      tf.dispose([w, stats, bn, chain, dh!, za!, zb!]);
    },
  );

  it.each([[[3, 10, 10, 16]], [[4, 72, 64, 16]]] as const)(
    "the block below's second layer's: float64 sums of the block input's gradient in x %j",
    async (shape) => {
      const w = tf.randomNormal([3, 3, 16, 16], 0, 0.3, 'float32', 5);
      const { stats, bn } = bnState(T);
      const chain = tf.randomUniform([2, T], -1, 1, 'float32', 10);
      // The slots: the first unit's dy, the block's output gradient, its input, the first conv's
      // output, and the output of the block below's second conv (B's z).
      const [da, dh, h, za, zb] = [0, 1, 2, 3, 4].map(() => tf.zeros([...shape]) as tf.Tensor4D);
      // What resnet-step.ts runs for a block's first unit, then the block below's second BN sums.
      const firstUnit = () => {
        const g = bnSums(da!, { params: bn }, za!, stats, bn, chain, A);
        const back: BnBackward = {
          dz: da!,
          z: za!,
          stats,
          params: bn,
          sums: g,
          slot: A,
          maskFromParams: true,
        };
        filterGrad(h!, back, [3, 3, 16, 16], 1, [1, 1], { keepSplits: true });
        const residual = { dSum: dh!, input: h!, shortcut: { stride: 1, pad: 0 } };
        return { g, dx: convInputGradBn(back, w, 1, 1, h!.shape, { residual }) };
      };
      const state = (await Promise.all([stats.data(), bn.data()])) as Float32Array[];
      await replayed(
        [da!, dh!, h!, za!, zb!],
        () =>
          tf.tidy(() => {
            const { g, dx } = firstUnit();
            return bnSums(dx, null, zb!, stats, bn, g, B);
          }),
        async (got, values) => {
          const { g, dx } = tf.tidy(firstUnit);
          const [dxV, gV] = (await Promise.all([dx.data(), g.data()])) as Float32Array[];
          const ref = reference(dxV!, values[4]!, state[0]!, state[1]!, B, false);
          expectChain(got, ref, values[4]!.length / B.channels, B, [gV!, ...state]);
          tf.dispose([g, dx]);
        },
      );
      tf.dispose([w, stats, bn, chain, da!, dh!, h!, za!, zb!]);
    },
  );
});
