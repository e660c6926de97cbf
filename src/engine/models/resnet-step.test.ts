/**
 * The hand-written ResNet training pass against tfjs autodiff of the plain composition
 * (conv2d, tf.moments batch norm, avgPool + pad shortcuts, mean, matMul, log-softmax), on cpu
 * (tf-ops fallbacks) and on WebGPU through Dawn (the WGSL kernels).
 */
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { fullGradient } from '../ops/fused';
import { useBackend, type TestBackend } from '../testing/backend.node.js';
import { referenceLogits, relDiff } from '../testing/resnet-reference.node';
import { buildModel } from './index';

describe.each(['cpu', 'webgpu'] as TestBackend[])('ResNet hand-written step on %s', (backend) => {
  beforeAll(async () => {
    await useBackend(backend);
  });

  it('loss and every gradient match autodiff of the plain composition (rel. 1e-3)', async () => {
    const model = buildModel('resnet8', 10, 3);
    // 8×8 inputs keep it small: stages run at 8, 4 and 2 pixels.
    const x = tf.randomNormal([2, 8, 8, 3], 0, 1, 'float32', 7) as tf.Tensor4D;
    const labels = tf.tensor1d([3, 8], 'int32');
    const oneHot = tf.oneHot(labels, 10);
    const ref = tf.valueAndGrads((...ps: tf.Tensor[]) =>
      tf.neg(tf.mean(tf.sum(tf.mul(oneHot, tf.logSoftmax(referenceLogits(ps, x))), 1))),
    )(model.params);
    const ours = model.lossAndGrads!(x, labels);

    expect(ours.grads.length).toBe(model.params.length);
    expect(await relDiff(ours.loss, ref.value)).toBeLessThan(1e-4);
    for (let i = 0; i < ref.grads.length; i++) {
      // Conv gradients may come as split-K partial sums (sgdUpdate adds them).
      const grad = fullGradient(ours.grads[i]!, model.params[i]!);
      expect(await relDiff(grad, ref.grads[i]!), `param ${i}`).toBeLessThan(1e-3);
      grad.dispose();
    }
    tf.dispose([x, labels, oneHot, ref.value, ...ref.grads, ours.loss, ...ours.grads]);
    model.dispose();
  });

  it('updating each parameter as soon as its gradient is handed over (onGrad) changes nothing', async () => {
    // Same seed twice: one model updated inside the pass, one after it. A gradient handed over
    // before the pass's last read of its parameter would change what the later kernels read.
    const [early, late] = [buildModel('resnet8', 10, 6), buildModel('resnet8', 10, 6)];
    const x = tf.randomNormal([2, 8, 8, 3], 0, 1, 'float32', 10) as tf.Tensor4D;
    const labels = tf.tensor1d([1, 6], 'int32');
    // A large step, so that a weight read after its update would show.
    const sgd = (w: tf.Variable, g: tf.Tensor) =>
      tf.tidy(() => w.assign(tf.sub(w, tf.mul(fullGradient(g, w), 0.5))));
    const order: number[] = [];
    const r = early.lossAndGrads!(x, labels, (i, g) => {
      order.push(i);
      sgd(early.params[i]!, g);
      g.dispose();
    });
    expect(r.grads).toEqual([]);
    expect([...order].sort((a, b) => a - b)).toEqual(early.params.map((_, i) => i));
    // γ, β (read by every unit's backward) come last; the fc layer first.
    expect(order.at(-1)).toBe(early.params.length - 3);
    const after = late.lossAndGrads!(x, labels);
    after.grads.forEach((g, i) => sgd(late.params[i]!, g));
    for (let i = 0; i < early.params.length; i++) {
      expect(await relDiff(early.params[i]!, late.params[i]!), `param ${i}`).toBeLessThan(1e-6);
    }
    // Not trivially equal: the step moved the weights.
    const fresh = buildModel('resnet8', 10, 6);
    expect(await relDiff(early.params[0]!, fresh.params[0]!)).toBeGreaterThan(1e-3);
    tf.dispose([x, labels, r.loss, after.loss, ...after.grads]);
    for (const m of [early, late, fresh]) m.dispose();
  });

  it('running statistics move 10% toward the batch statistics (unbiased variance), no leaks', async () => {
    const model = buildModel('resnet8', 10, 4);
    const x = tf.randomNormal([2, 8, 8, 3], 0, 1, 'float32', 8) as tf.Tensor4D;
    // The first pass caches two constants; later passes leave no tensor behind.
    tf.dispose(model.apply(x, true));
    const before = tf.memory().numTensors;
    tf.dispose(model.apply(x, true));
    expect(tf.memory().numTensors).toBe(before);
    const [runMean, runVar] = model.stats as [tf.Variable, tf.Variable];
    // The stem's 16 channels come first in the flat statistics.
    const z = tf.conv2d(x, model.params[0] as tf.Tensor4D, 1, 'same');
    const { mean, variance } = tf.moments(z, [0, 1, 2]);
    const n = 2 * 8 * 8;
    // Two updates with the same batch: 0.1 + 0.9·0.1 = 0.19 of the way from (0, 1).
    const expMean = tf.mul(mean, 0.19);
    const expVar = tf.add(0.81, tf.mul(variance, (0.19 * n) / (n - 1)));
    expect(await relDiff(tf.slice(runMean, 0, 16), expMean)).toBeLessThan(1e-4);
    expect(await relDiff(tf.slice(runVar, 0, 16), expVar)).toBeLessThan(1e-4);
    tf.dispose([x, z, mean, variance, expMean, expVar]);
    model.dispose();
  });

  it('inference uses the running statistics', async () => {
    const model = buildModel('resnet8', 10, 5);
    const x = tf.randomNormal([2, 8, 8, 3], 0, 1, 'float32', 9) as tf.Tensor4D;
    tf.dispose(model.apply(x, true)); // running statistics away from (0, 1)
    const [runMean, runVar] = model.stats as [tf.Variable, tf.Variable];
    const ref = referenceLogits(model.params, x, (z, gamma, beta, offset) => {
      const c = z.shape[3];
      const m = tf.slice(runMean, offset, c);
      const v = tf.slice(runVar, offset, c);
      return tf.batchNorm(z, m, v, beta, gamma, 1e-5) as tf.Tensor4D;
    });
    const ours = model.apply(x, false);
    expect(await relDiff(ours, ref)).toBeLessThan(1e-4);
    tf.dispose([x, ref, ours]);
    model.dispose();
  });
});
