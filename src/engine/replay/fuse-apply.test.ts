/**
 * A block's output computed by the next conv as it loads it (fuse-apply.ts) against a float64
 * reference, on WebGPU in Node: `bnApply` with an identity shortcut, the conv that reads its
 * output and that conv's `bnStats`, recorded into a plan and replayed with new inputs, must
 * store the block output h' = relu(BN(z) + h) and give the conv of h' and its statistics.
 */
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { convForward } from '../ops/conv-forward';
import { bnApply, bnStats, FLAT_BN_EPS, type BnSlot } from '../ops/flat-bn';
import { useBackend } from '../testing/backend.node.js';
import { bnState } from '../testing/seeded.node.js';
import { bufferOf, webGpuInternals } from './internals';
import { PlanRunner } from './plan-runner';
import { copy } from './replayer';

const T = 40;
const IN: BnSlot = { offset: 3, channels: 16, total: T };
const OUT: BnSlot = { offset: 20, channels: 16, total: T };

/** relu(γ·(z − mean)/√(var + eps) + β + h) in float64, NHWC with IN's channels. */
function blockOutput(z: Float32Array, h: Float32Array, stats: Float32Array, bn: Float32Array) {
  return Array.from(z, (v, i) => {
    const o = IN.offset + (i % IN.channels);
    const y = (bn[o]! * (v - stats[o]!)) / Math.sqrt(stats[T + o]! + FLAT_BN_EPS) + bn[T + o]!;
    return Math.max(y + h[i]!, 0);
  });
}

/** A 3×3 conv, stride 1, padding 1, in float64: x [n, hh, ww, 16], w [3, 3, 16, 16]. */
function conv3x3(x: number[], w: Float32Array, [n, hh, ww]: readonly number[]): number[] {
  const c = 16;
  const out = new Array<number>(x.length).fill(0);
  for (let b = 0; b < n!; b++)
    for (let y = 0; y < hh!; y++)
      for (let xo = 0; xo < ww!; xo++)
        for (let kh = 0; kh < 3; kh++)
          for (let kw = 0; kw < 3; kw++) {
            const [iy, ix] = [y + kh - 1, xo + kw - 1];
            if (iy < 0 || ix < 0 || iy >= hh! || ix >= ww!) continue;
            const at = ((b * hh! + iy) * ww! + ix) * c;
            const to = ((b * hh! + y) * ww! + xo) * c;
            for (let ci = 0; ci < c; ci++)
              for (let co = 0; co < c; co++)
                out[to + co]! += x[at + ci]! * w[((kh * 3 + kw) * c + ci) * c + co]!;
          }
  return out;
}

const relErr = (got: ArrayLike<number>, want: number[]) => {
  let [d, s] = [0, 0];
  want.forEach((v, i) => {
    d += (got[i]! - v) ** 2;
    s += v * v;
  });
  return Math.sqrt(d / s);
};

describe("a block's output computed by the next conv as it loads it, replayed", () => {
  beforeAll(async () => {
    await useBackend('webgpu');
  });

  // 128 rows: two full tiles; 147 rows: a partial last tile.
  it.each([[[2, 8, 8, 16]], [[3, 7, 7, 16]]] as const)(
    'stores relu(BN(z) + h) and convolves it, in x %j',
    async (shape) => {
      const b = webGpuInternals()!;
      const runner = new PlanRunner(b);
      const w = tf.randomNormal([3, 3, 16, 16], 0, 0.3, 'float32', 5);
      const { stats, bn } = bnState(T);
      const chain = tf.zeros([2, T]);
      const [z, h] = [0, 1].map(() => tf.zeros([...shape]) as tf.Tensor4D);
      const at = { meanAt: IN.offset, varAt: T + IN.offset };
      const residual = { h: h!, shortcut: { stride: 1, pad: 0 } };
      // The block's output, the next conv and its statistics; all three come back to compare.
      const body = () =>
        tf.tidy(() => {
          const out = bnApply(z!, stats, stats, at, bn, IN, { relu: true, residual });
          const next = convForward(out, w, 1, 1);
          const s = bnStats(next, chain, OUT);
          return tf.concat([tf.reshape(next, [-1]), tf.reshape(out, [-1]), tf.reshape(s, [-1])]);
        });
      const [statsV, bnV, wV] = (await Promise.all([stats.data(), bn.data(), w.data()])) as [
        Float32Array,
        Float32Array,
        Float32Array,
      ];
      for (let s = 0; s < 4; s++) {
        const inputs = [z!, h!].map((t, k) =>
          tf.randomNormal(t.shape, 0, 1, 'float32', 20 + 2 * s + k),
        );
        const into = (e: GPUCommandEncoder) =>
          inputs.forEach((x, k) => copy(e, bufferOf(b, x), bufferOf(b, [z!, h!][k]!), x.size));
        const got = await runner.run(into, body).data();
        // The inputs' own data (the slots' data() would be tfjs's cache: the plan writes them).
        const [zV, hV] = (await Promise.all(inputs.map((t) => t.data()))) as Float32Array[];
        const outRef = blockOutput(zV!, hV!, statsV, bnV);
        const nextRef = conv3x3(outRef, wV, shape);
        const size = outRef.length;
        expect(relErr(got.subarray(size, 2 * size), outRef)).toBeLessThan(1e-6);
        expect(relErr(got.subarray(0, size), nextRef)).toBeLessThan(1e-5);
        const rows = size / 16;
        for (let ch = 0; ch < 16; ch++) {
          const col = nextRef.filter((_, i) => i % 16 === ch);
          const mean = col.reduce((a, v) => a + v, 0) / rows;
          const variance = col.reduce((a, v) => a + (v - mean) ** 2, 0) / rows;
          const stat = got.subarray(2 * size);
          expect(Math.abs(stat[OUT.offset + ch]! - mean) / Math.sqrt(variance)).toBeLessThan(1e-5);
          expect(Math.abs(stat[T + OUT.offset + ch]! / variance - 1)).toBeLessThan(1e-4);
        }
        tf.dispose(inputs);
      }
      // Through tfjs, recorded, then two replays of the fused conv (with its tile statistics).
      expect(runner.report()).toMatchObject({ replays: 2, applyFused: 1, statsFused: 1 });
      runner.dispose();
      tf.dispose([w, stats, bn, chain, z!, h!]);
    },
  );
});
