/**
 * A block's first BN sums from its second unit's joined gradients (fuse-sums.ts) against a
 * float64 reference, on WebGPU in Node: a second unit's backward (its BN sums, filter and input
 * gradients) and the first BN layer's `bnSums` recorded into a plan and replayed with new
 * inputs must give Σdy·x̂ and Σdy of the masked input gradient, and copy the rest of the chain.
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
function reference(dx: Float32Array, z: Float32Array, stats: Float32Array, bn: Float32Array) {
  const c = A.channels;
  const [sdx, sd, slack] = [0, 1, 2].map(() => new Array<number>(c).fill(0)) as [
    number[],
    number[],
    number[],
  ];
  for (let i = 0; i < dx.length; i++) {
    const ch = i % c;
    const o = A.offset + ch;
    const xhat = (z[i]! - stats[o]!) / Math.sqrt(stats[T + o]! + FLAT_BN_EPS);
    const edge = bn[o]! * xhat + bn[T + o]!;
    if (Math.abs(edge) < 1e-5) slack[ch]! += Math.abs(dx[i]!) * (1 + Math.abs(xhat));
    else if (edge > 0) {
      sdx[ch]! += dx[i]! * xhat;
      sd[ch]! += dx[i]!;
    }
  }
  return { sdx, sd, slack };
}

describe("a block's first BN sums from its second unit's gradients, replayed", () => {
  beforeAll(async () => {
    await useBackend('webgpu');
  });

  // 300 rows: a partial last tile. 18,432 rows: 288 tiles, more than the finalize's 256 threads.
  it.each([[[3, 10, 10, 16]], [[4, 72, 64, 16]]] as const)(
    'match float64 sums of the masked input gradient in x %j, the chain around them copied',
    async (shape) => {
      const b = webGpuInternals()!;
      const runner = new PlanRunner(b);
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
      const body = () =>
        tf.tidy(() => bnSums(secondUnit(), { params: bn }, za!, stats, bn, chain, A));
      const [statsV, bnV, chainV] = (await Promise.all([
        stats.data(),
        bn.data(),
        chain.data(),
      ])) as Float32Array[];
      for (let s = 0; s < 4; s++) {
        const inputs = [0, 1, 2].map((k) =>
          tf.randomNormal([...shape], 0, 1, 'float32', 10 * s + k),
        );
        const into = (e: GPUCommandEncoder) =>
          inputs.forEach((x, k) => copy(e, bufferOf(b, x), bufferOf(b, [dh, za, zb][k]!), x.size));
        const out = runner.run(into, body);
        const dx = tf.tidy(secondUnit);
        // The slots' own data() would be tfjs's cached copy: the plan writes them behind its back.
        const zaV = (await inputs[1]!.data()) as Float32Array;
        const ref = reference((await dx.data()) as Float32Array, zaV, statsV!, bnV!);
        const got = await out.data();

        for (let ch = 0; ch < A.channels; ch++) {
          const o = A.offset + ch;
          // Float32 sums over n values: scaled by the sum of magnitudes, plus the mask's edge.
          const n = zaV.length / A.channels;
          const tol = 1e-5 * Math.sqrt(n) + ref.slack[ch]!;
          expect(Math.abs(got[o]! - ref.sdx[ch]!)).toBeLessThan(tol);
          expect(Math.abs(got[T + o]! - ref.sd[ch]!)).toBeLessThan(tol);
        }
        const rows = Array.from(got);
        for (let k = 0; k < T; k++) {
          if (k >= A.offset && k < A.offset + A.channels) continue;
          expect([rows[k], rows[T + k]]).toEqual([chainV![k], chainV![T + k]]);
        }
        expect(rows.slice(2 * T)).toEqual([...statsV!, ...bnV!]);
        tf.dispose([...inputs, out, dx]);
      }
      // Through tfjs, recorded, then two replays with the sums from the pair's tiles.
      expect(runner.report()).toMatchObject({
        recordings: 1,
        replays: 2,
        gradPairs: 1,
        sumsFused: 1,
      });
      runner.dispose();
      tf.dispose([w, stats, bn, chain, dh!, za!, zb!]);
    },
  );
});
