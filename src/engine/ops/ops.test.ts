/**
 * The engine's conv filter gradient and the fused SGD kernel against plain tfjs references, on the cpu
 * backend (tf-ops fallbacks) and on WebGPU through Dawn (the WGSL kernels). The batch-norm
 * kernels are checked in flat-bn.test.ts and models/resnet-step.test.ts.
 */
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Rng } from '../../core/rng';
import { useBackend, type TestBackend } from '../testing/backend.node.js';
import { filterGrad } from './conv';
import { sgdImplementation, sgdUpdate } from './fused';

function seeded(shape: number[], seed: number, scale = 1, offset = 0): tf.Tensor {
  const rng = new Rng(seed);
  const size = shape.reduce((a, b) => a * b, 1);
  return tf.tensor(
    Float32Array.from({ length: size }, () => offset + scale * rng.normal()),
    shape,
  );
}

async function maxAbsDiff(a: tf.Tensor, b: tf.Tensor): Promise<number> {
  const d = tf.max(tf.abs(tf.sub(a, b)));
  const v = (await d.data())[0]!;
  d.dispose();
  return v;
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
    { k: 1, stride: 2, pad: 'valid' }, // projection shortcut shape
    { k: 3, stride: 2, pad: 'valid' }, // stride does not divide: rows the filter never sees
  ] as const)(
    'conv filter gradient matches tf.conv2d autodiff (%o)',
    async ({ k, stride, pad }) => {
      const x = seeded([2, 7, 7, 3], 21) as tf.Tensor4D;
      const w = seeded([k, k, 3, 4], 22) as tf.Tensor4D;
      const y = tf.conv2d(x, w, stride, pad);
      const up = seeded(y.shape, 23) as tf.Tensor4D;
      const ours = filterGrad(x, up, [k, k, 3, 4], stride, pad);
      const ref = tf.grad((wi: tf.Tensor) =>
        tf.sum(tf.mul(tf.conv2d(x, wi as tf.Tensor4D, stride, pad), up)),
      )(w);
      expect(ours.shape).toEqual([k, k, 3, 4]);
      expect(await maxAbsDiff(ours, ref)).toBeLessThan(1e-4);
      // Not trivially right: the gradient is far from zero.
      const size = tf.max(tf.abs(ref));
      expect((await size.data())[0]).toBeGreaterThan(0.1);
      tf.dispose([x, w, y, up, ours, ref, size]);
    },
  );

  it('SGD update matches v = m·v + g + wd·w; w -= lr·v (fused vs tf-ops to 1e-6)', async () => {
    expect(sgdImplementation()).toBe(backend === 'webgpu' ? 'wgsl' : 'tf-ops');
    const shape = [3, 3, 4, 5];
    const make = () => ({ w: tf.variable(seeded(shape, 11)), v: tf.variable(seeded(shape, 12)) });
    const g = seeded(shape, 13);
    const fused = make();
    const ref = make();
    const steps = [
      { lr: 0.1, mom: 0.95, wd: 5e-4 },
      { lr: 0.8, mom: 0.85, wd: 1e-4 },
    ];
    for (const { lr, mom, wd } of steps) {
      sgdUpdate(fused.w, fused.v, g, lr, mom, wd);
      sgdUpdate(ref.w, ref.v, g, lr, mom, wd, true);
    }
    expect(await maxAbsDiff(fused.w, ref.w)).toBeLessThan(1e-6);
    expect(await maxAbsDiff(fused.v, ref.v)).toBeLessThan(1e-6);
    // And both match the formula evaluated on the CPU for element 0.
    const w0 = (await seeded(shape, 11).data())[0]!;
    const v0 = (await seeded(shape, 12).data())[0]!;
    const g0 = (await g.data())[0]!;
    let w = w0;
    let v = v0;
    for (const { lr, mom, wd } of steps) {
      v = mom * v + g0 + wd * w;
      w -= lr * v;
    }
    expect((await fused.w.data())[0]).toBeCloseTo(w, 5);
    expect((await fused.v.data())[0]).toBeCloseTo(v, 5);
    tf.dispose([g, fused.w, fused.v, ref.w, ref.v]);
  });
});
