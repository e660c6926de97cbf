/**
 * The 3×3 conv's gradients and the fused SGD kernel against plain tfjs references, on the cpu
 * backend (tf-ops fallbacks) and on WebGPU through Dawn (the WGSL kernels). The batch-norm
 * kernels are checked in flat-bn.test.ts and models/resnet-step.test.ts.
 */
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Rng } from '../../core/rng';
import { useBackend, type TestBackend } from '../testing/backend.node.js';
import { conv3x3 } from './conv';
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

  it.each([1, 2])('3×3 conv gradients match tf.conv2d autodiff at stride %i', async (stride) => {
    const x = seeded([2, 6, 6, 3], 21) as tf.Tensor4D;
    const w = seeded([3, 3, 3, 4], 22) as tf.Tensor4D;
    const up = seeded([2, 6 / stride, 6 / stride, 4], 23);
    const f = (conv: typeof conv3x3) => (xi: tf.Tensor, wi: tf.Tensor) =>
      tf.sum(tf.mul(conv(xi as tf.Tensor4D, wi as tf.Tensor4D, stride), up));
    const ours = tf.grads(f(conv3x3))([x, w]);
    const ref = tf.grads(f((a, b, s) => tf.conv2d(a, b, s, 'same')))([x, w]);
    expect(await maxAbsDiff(ours[0]!, ref[0]!)).toBeLessThan(1e-4);
    expect(await maxAbsDiff(ours[1]!, ref[1]!)).toBeLessThan(1e-4);
    tf.dispose([x, w, up, ...ours, ...ref]);
  });

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
