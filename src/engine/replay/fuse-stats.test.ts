/**
 * BN statistics from the conv's tiles (fuse-stats.ts) against a float64 reference, on WebGPU in
 * Node: a conv and its `bnStats` recorded into a plan and replayed with new inputs must give the
 * batch mean and biased variance of the conv's output, and copy the chain's other columns.
 */
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { convForward } from '../ops/conv-forward';
import { bnStats, type BnSlot } from '../ops/flat-bn';
import { useBackend } from '../testing/backend.node.js';
import { bufferOf, webGpuInternals } from './internals';
import { PlanRunner } from './plan-runner';
import { copy } from './replayer';

const SLOT: BnSlot = { offset: 3, channels: 16, total: 40 };

/** Per-channel mean and biased variance in float64, two passes. */
function reference(z: Float32Array, c: number): { mean: number[]; variance: number[] } {
  const n = z.length / c;
  const mean = Array.from({ length: c }, (_, ch) => {
    let s = 0;
    for (let r = 0; r < n; r++) s += z[r * c + ch]!;
    return s / n;
  });
  const variance = mean.map((m, ch) => {
    let q = 0;
    for (let r = 0; r < n; r++) q += (z[r * c + ch]! - m) ** 2;
    return q / n;
  });
  return { mean, variance };
}

describe('BN statistics from the conv tiles, replayed', () => {
  beforeAll(async () => {
    await useBackend('webgpu');
  });

  // 300 rows: a partial last tile. 18,432 rows: 288 tiles, more than the finalize's 256 threads.
  it.each([[[3, 10, 10, 8]], [[4, 72, 64, 8]]] as const)(
    'match a float64 mean and variance in x %j, the chain around them copied',
    async (shape) => {
      const b = webGpuInternals()!;
      const runner = new PlanRunner(b);
      const w = tf.randomNormal([3, 3, 8, 16], 0, 0.3, 'float32', 5);
      const chain = tf.randomUniform([2, SLOT.total], -1, 1, 'float32', 6);
      const slot = tf.zeros([...shape]) as tf.Tensor4D;
      // An offset mean (+3) checks the variance is not E[z²] − mean² in float32.
      const body = () =>
        tf.tidy(() => bnStats(convForward(slot, w, 1, 1), chain, SLOT) as tf.Tensor);
      const chainValues = await chain.data();
      for (let s = 0; s < 4; s++) {
        const x = tf.tidy(() => tf.add(tf.randomNormal([...shape], 0, 1, 'float32', s), 3));
        const into = (e: GPUCommandEncoder) => copy(e, bufferOf(b, x), bufferOf(b, slot), x.size);
        const out = runner.run(into, body);
        const z = tf.tidy(() => convForward(x as tf.Tensor4D, w, 1, 1));
        const { mean, variance } = reference((await z.data()) as Float32Array, SLOT.channels);
        const got = await out.data();
        for (let ch = 0; ch < SLOT.channels; ch++) {
          const scale = Math.sqrt(variance[ch]!);
          expect(Math.abs(got[SLOT.offset + ch]! - mean[ch]!) / scale).toBeLessThan(1e-6);
          expect(Math.abs(got[SLOT.total + SLOT.offset + ch]! / variance[ch]! - 1)).toBeLessThan(
            1e-5,
          );
        }
        for (let k = 0; k < SLOT.total; k++) {
          if (k >= SLOT.offset && k < SLOT.offset + SLOT.channels) continue;
          expect([got[k], got[SLOT.total + k]]).toEqual([
            chainValues[k],
            chainValues[SLOT.total + k],
          ]);
        }
        tf.dispose([x, out, z]);
      }
      // The first run went through tfjs, the second was recorded, two replays used the tiles.
      expect(runner.report()).toMatchObject({ recordings: 1, replays: 2, statsFused: 1 });
      runner.dispose();
      tf.dispose([w, chain, slot]);
    },
  );
});
