/**
 * The engine's conv filter gradient and the fused SGD update against float64 references written
 * out here as loops (independent of tfjs), on the cpu backend (tf-ops implementations) and on
 * WebGPU through Dawn (the WGSL kernels). The batch-norm kernels are checked in flat-bn.test.ts
 * and models/resnet-step.test.ts.
 */
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seeded } from '../testing/seeded.node.js';
import { useBackend, type TestBackend } from '../testing/backend.node.js';
import { filterGrad } from './conv';
import { fullGradient, partialCount, sgdImplementation, sgdUpdate } from './fused';

/** Largest |a − ref| over the elements; `ref` holds float64 values. */
async function maxAbsDiff(a: tf.Tensor, ref: Float64Array): Promise<number> {
  const got = await a.data();
  expect(got.length).toBe(ref.length);
  let max = 0;
  got.forEach((v, i) => (max = Math.max(max, Math.abs(v - ref[i]!))));
  return max;
}

/** TF's padding before the first row for one dimension ('same' puts the odd pixel after). */
function padBefore(size: number, k: number, stride: number, pad: 'same' | 'valid' | number) {
  if (pad === 'valid') return 0;
  if (typeof pad === 'number') return pad;
  return Math.floor(Math.max((Math.ceil(size / stride) - 1) * stride + k - size, 0) / 2);
}

/** dW[kh,kw,ci,co] = Σ x[n, oy·s + kh − pad, ox·s + kw − pad, ci]·dy[n,oy,ox,co], in float64. */
function filterGradReference(
  x: { data: Float32Array; shape: number[] },
  dy: { data: Float32Array; shape: number[] },
  k: number,
  stride: number,
  pad: 'same' | 'valid' | number,
): Float64Array {
  const [n, h, w, ci] = x.shape as [number, number, number, number];
  const [, ho, wo, co] = dy.shape as [number, number, number, number];
  const top = padBefore(h, k, stride, pad);
  const left = padBefore(w, k, stride, pad);
  const out = new Float64Array(k * k * ci * co);
  for (let kh = 0; kh < k; kh++)
    for (let kw = 0; kw < k; kw++)
      for (let b = 0; b < n; b++)
        for (let oy = 0; oy < ho; oy++)
          for (let ox = 0; ox < wo; ox++) {
            const iy = oy * stride + kh - top;
            const ix = ox * stride + kw - left;
            if (iy < 0 || iy >= h || ix < 0 || ix >= w) continue;
            for (let c = 0; c < ci; c++) {
              const xv = x.data[((b * h + iy) * w + ix) * ci + c]!;
              for (let o = 0; o < co; o++)
                out[((kh * k + kw) * ci + c) * co + o]! +=
                  xv * dy.data[((b * ho + oy) * wo + ox) * co + o]!;
            }
          }
  return out;
}

describe.each(['cpu', 'webgpu'] as TestBackend[])('on %s', (backend) => {
  beforeAll(async () => {
    await useBackend(backend);
  });
  afterAll(() => {
    tf.disposeVariables();
  });

  it.each([
    { k: 3, stride: 1, pad: 'same' },
    { k: 3, stride: 2, pad: 'same' },
    { k: 3, stride: 2, pad: 1 }, // the ResNets' symmetric padding
    { k: 1, stride: 2, pad: 'valid' }, // projection shortcut shape
    { k: 3, stride: 2, pad: 'valid' }, // stride does not divide: rows the filter never sees
  ] as const)('conv filter gradient matches a float64 loop (%o)', async ({ k, stride, pad }) => {
    const x = seeded([2, 7, 7, 3], 21) as tf.Tensor4D;
    const w = seeded([k, k, 3, 4], 22) as tf.Tensor4D;
    const y = tf.conv2d(x, w, stride, pad);
    const up = seeded(y.shape, 23) as tf.Tensor4D;
    const ours = filterGrad(
      x,
      up,
      [k, k, 3, 4],
      stride,
      typeof pad === 'number' ? [pad, pad] : pad,
    );
    const ref = filterGradReference(
      { data: (await x.data()) as Float32Array, shape: x.shape },
      { data: (await up.data()) as Float32Array, shape: up.shape },
      k,
      stride,
      pad,
    );
    expect(ours.shape).toEqual([k, k, 3, 4]);
    expect(await maxAbsDiff(ours, ref)).toBeLessThan(1e-4);
    // Not trivially right: the gradient is far from zero.
    expect(ref.reduce((m, v) => Math.max(m, Math.abs(v)), 0)).toBeGreaterThan(0.1);
    tf.dispose([x, w, y, up, ours]);
  });

  it('SGD update matches v = m·v + g + wd·w; w -= lr·v in float64, element by element', async () => {
    expect(sgdImplementation()).toBe(backend === 'webgpu' ? 'wgsl' : 'tf-ops');
    const shape = [3, 3, 4, 5];
    const w0 = seeded(shape, 11);
    const v0 = seeded(shape, 12);
    const g = seeded(shape, 13);
    const ours = { w: tf.variable(w0), v: tf.variable(v0), g };
    const w = Float64Array.from(await w0.data());
    const v = Float64Array.from(await v0.data());
    const gv = await g.data();
    const steps = [
      { lr: 0.1, mom: 0.95, wd: 5e-4 },
      { lr: 0.8, mom: 0.85, wd: 1e-4 },
    ];
    for (const s of steps) {
      sgdUpdate(ours, s);
      for (let i = 0; i < w.length; i++) {
        v[i] = s.mom * v[i]! + gv[i]! + s.wd * w[i]!;
        w[i] = w[i]! - s.lr * v[i]!;
      }
    }
    expect(await maxAbsDiff(ours.w, w)).toBeLessThan(1e-5);
    expect(await maxAbsDiff(ours.v, v)).toBeLessThan(1e-5);
    tf.dispose([w0, v0, g, ours.w, ours.v]);
  });

  it('SGD adds a gradient given as k stacked partial sums (split-K slices) first', async () => {
    const shape = [3, 3, 4, 5];
    const w0 = seeded(shape, 21);
    const partials = seeded([3 * 3, 3, 4, 5], 22); // k = 3 slices along the first axis
    const summed = fullGradient(partials, w0);
    expect(summed.shape).toEqual(shape);
    const split = { w: tf.variable(w0), v: tf.variable(tf.zerosLike(w0)), g: partials };
    const whole = { w: tf.variable(w0), v: tf.variable(tf.zerosLike(w0)), g: summed };
    const s = { lr: 0.3, mom: 0.9, wd: 5e-4 };
    sgdUpdate(split, s);
    sgdUpdate(whole, s);
    expect(await maxAbsDiff(split.w, Float64Array.from(await whole.w.data()))).toBeLessThan(1e-6);
    expect(await maxAbsDiff(split.v, Float64Array.from(await whole.v.data()))).toBeLessThan(1e-6);
    // Not trivially equal: the partials' sum is not any one slice.
    const first = tf.slice(partials, 0, 3);
    expect(await maxAbsDiff(summed, Float64Array.from(await first.data()))).toBeGreaterThan(0.1);
    expect(() => partialCount(seeded([2, 3, 4, 5], 23), w0)).toThrow(/does not fit/);
    tf.dispose([w0, partials, summed, first, split.w, split.v, whole.w, whole.v]);
  });
});
