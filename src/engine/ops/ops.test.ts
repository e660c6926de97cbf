/**
 * The custom batch-norm gradient and the fused SGD kernel against plain tfjs references, on the
 * cpu backend (tf-ops fallbacks) and on WebGPU through Dawn (the WGSL kernels).
 */
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Rng } from '../../core/rng';
import { useBackend, type TestBackend } from '../testing/backend.node.js';
import { batchNormReference, batchNormTrain, OnesCache, type BatchNormLayer } from './batchnorm';
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

  it.each([
    { relu: false, residual: false },
    { relu: true, residual: false },
    { relu: true, residual: true },
  ])('custom-gradient batch norm matches autodiff (%o) to 1e-4', async ({ relu, residual }) => {
    const shape = [2, 4, 4, 3];
    // Non-zero mean and non-unit scale, like conv outputs; γ, β away from 1, 0.
    const x = seeded(shape, 1, 2, 0.5) as tf.Tensor4D;
    const r = seeded(shape, 2) as tf.Tensor4D;
    const gamma = seeded([1, 1, 3], 3, 0.3, 1);
    const beta = seeded([1, 1, 3], 4, 0.3);
    const upstream = seeded(shape, 5);
    const layer: BatchNormLayer = {
      gamma: tf.variable(gamma),
      beta: tf.variable(beta),
      runMean: tf.variable(tf.zeros([1, 1, 3]), false),
      runVar: tf.variable(tf.ones([1, 1, 3]), false),
    };
    const ones = new OnesCache();
    const opts = residual ? { relu, residual: r } : { relu };
    const loss = (y: tf.Tensor) => tf.sum(tf.mul(y, upstream));

    // tf.grads needs every input to reach the output, so r is passed only when used.
    const inputs = residual ? [x, gamma, beta, r] : [x, gamma, beta];
    const ours = tf.grads((xi: tf.Tensor, gi: tf.Tensor, bi: tf.Tensor, ri?: tf.Tensor) => {
      const o = ri ? { relu, residual: ri as tf.Tensor4D } : { relu };
      // γ, β enter the custom op as inputs, so tf.grads sees their gradients.
      return loss(batchNormTrainWith(xi as tf.Tensor4D, gi, bi, layer, ones, o));
    })(inputs);
    const ref = tf.grads((xi: tf.Tensor, gi: tf.Tensor, bi: tf.Tensor, ri?: tf.Tensor) => {
      const o = ri ? { relu, residual: ri as tf.Tensor4D } : { relu };
      return loss(batchNormReference(xi as tf.Tensor4D, gi, bi, o));
    })(inputs);

    const yOurs = batchNormTrain(x, layer, ones, { ...opts, updateStats: false });
    const yRef = batchNormReference(x, gamma, beta, opts);
    expect(await maxAbsDiff(yOurs, yRef)).toBeLessThan(1e-4);
    for (let i = 0; i < inputs.length; i++) {
      expect(await maxAbsDiff(ours[i]!, ref[i]!)).toBeLessThan(1e-4);
    }
    // The gradients are not trivially zero.
    expect((await tf.max(tf.abs(ours[0]!)).data())[0]).toBeGreaterThan(1e-2);
    tf.dispose([x, r, gamma, beta, upstream, yOurs, yRef, ...ours, ...ref]);
    tf.dispose([layer.gamma, layer.beta, layer.runMean, layer.runVar]);
    ones.dispose();
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

  it('running statistics move 10% toward the batch statistics (unbiased variance)', async () => {
    const x = seeded([2, 4, 4, 3], 9, 2, 3) as tf.Tensor4D;
    const layer: BatchNormLayer = {
      gamma: tf.variable(tf.ones([1, 1, 3])),
      beta: tf.variable(tf.zeros([1, 1, 3])),
      runMean: tf.variable(tf.zeros([1, 1, 3]), false),
      runVar: tf.variable(tf.ones([1, 1, 3]), false),
    };
    const ones = new OnesCache();
    tf.dispose(batchNormTrain(x, layer, ones, { relu: true }));
    const { mean, variance } = tf.moments(x, [0, 1, 2]);
    const n = 32;
    const expMean = tf.mul(mean, 0.1);
    const expVar = tf.add(0.9, tf.mul(variance, (0.1 * n) / (n - 1)));
    expect(await maxAbsDiff(layer.runMean.reshape([3]), expMean)).toBeLessThan(1e-5);
    expect(await maxAbsDiff(layer.runVar.reshape([3]), expVar)).toBeLessThan(1e-5);
    ones.dispose();
    tf.dispose([x, mean, variance, expMean, expVar]);
    tf.dispose([layer.gamma, layer.beta, layer.runMean, layer.runVar]);
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

/** batchNormTrain with γ, β given explicitly (so tf.grads can differentiate with respect to them). */
function batchNormTrainWith(
  x: tf.Tensor4D,
  gamma: tf.Tensor,
  beta: tf.Tensor,
  layer: BatchNormLayer,
  ones: OnesCache,
  opts: { relu: boolean; residual?: tf.Tensor4D },
): tf.Tensor4D {
  return batchNormTrain(
    x,
    { ...layer, gamma: gamma as tf.Variable, beta: beta as tf.Variable },
    ones,
    {
      ...opts,
      updateStats: false,
    },
  );
}
