/**
 * Average pooling 3×3 / 2 'same' (shallow3's pooling): forward and gradient against a float64
 * reference computed here, on cpu and on WebGPU through Dawn. tfjs's own AvgPoolGrad is checked
 * to be wrong at the borders, so this test notices if a tfjs upgrade fixes it (and the scaling in
 * avg-pool.ts would then double-correct).
 */
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { relL2 } from '../testing/compare.node.js';
import { Rng } from '../../core/rng';
import { useBackend, type TestBackend } from '../testing/backend.node.js';
import { avgPoolSame, sameWindowCounts } from './avg-pool';

const [B, H, W, C, K, S] = [2, 8, 7, 3, 3, 2];

/** Output windows [start, end) per dimension; TF 'same' pads floor(total/2) before. */
function windows(size: number): [number, number][] {
  const out = Math.ceil(size / S);
  const before = Math.floor(Math.max((out - 1) * S + K - size, 0) / 2);
  return Array.from({ length: out }, (_, o) => {
    const start = o * S - before;
    return [Math.max(start, 0), Math.min(start + K, size)];
  });
}

/** Float64 forward and input gradient of pooling that divides by the inputs each window covers. */
function reference(x: Float32Array, dy: Float32Array): { y: Float64Array; dx: Float64Array } {
  const rows = windows(H);
  const cols = windows(W);
  const y = new Float64Array(B * rows.length * cols.length * C);
  const dx = new Float64Array(x.length);
  for (let n = 0; n < B; n++)
    rows.forEach(([r0, r1], oy) =>
      cols.forEach(([c0, c1], ox) => {
        const count = (r1 - r0) * (c1 - c0);
        for (let c = 0; c < C; c++) {
          const o = ((n * rows.length + oy) * cols.length + ox) * C + c;
          for (let i = r0; i < r1; i++)
            for (let j = c0; j < c1; j++) {
              const at = ((n * H + i) * W + j) * C + c;
              y[o]! += x[at]! / count;
              dx[at]! += dy[o]! / count;
            }
        }
      }),
    );
  return { y, dx };
}

function seeded(n: number, seed: number): Float32Array {
  const rng = new Rng(seed);
  return Float32Array.from({ length: n }, () => rng.normal());
}

describe('sameWindowCounts', () => {
  it('counts the inputs under each window, the last one cut by the edge', () => {
    expect(sameWindowCounts(32, 3, 2)).toEqual([...Array<number>(15).fill(3), 2]);
    expect(sameWindowCounts(7, 3, 2)).toEqual([2, 3, 3, 2]);
  });
});

describe.each(['cpu', 'webgpu'] as TestBackend[])('avgPoolSame on %s', (backend) => {
  beforeAll(async () => {
    await useBackend(backend);
  });

  it('forward and gradient match the float64 reference (rel. L2 < 1e-6); tfjs autodiff does not', async () => {
    const xs = seeded(B * H * W * C, 1);
    const rows = windows(H).length;
    const cols = windows(W).length;
    const dys = seeded(B * rows * cols * C, 2);
    const ref = reference(xs, dys);
    const x = tf.tensor4d(xs, [B, H, W, C]);
    const dy = tf.tensor4d(dys, [B, rows, cols, C]);
    const ours = tf.grad((t: tf.Tensor) => tf.sum(tf.mul(avgPoolSame(t as tf.Tensor4D, K, S), dy)));
    const theirs = tf.grad((t: tf.Tensor) =>
      tf.sum(tf.mul(tf.avgPool(t as tf.Tensor4D, K, S, 'same'), dy)),
    );
    const y = avgPoolSame(x, K, S);
    expect(y.shape).toEqual([B, rows, cols, C]);
    expect(relL2(await y.data(), ref.y)).toBeLessThan(1e-6);
    const dxOurs = ours(x);
    const dxTheirs = theirs(x);
    expect(relL2(await dxOurs.data(), ref.dx)).toBeLessThan(1e-6);
    // tfjs 4.22 divides border windows by 9: the error this module exists to remove.
    expect(relL2(await dxTheirs.data(), ref.dx)).toBeGreaterThan(0.05);
    tf.dispose([x, dy, y, dxOurs, dxTheirs]);
  });
});
