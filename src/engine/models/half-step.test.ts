/**
 * The ResNet step with f16 activation storage (ops/half-act.ts) on WebGPU through Dawn: every
 * conv output z is stored as f16 and everything else is f32, so its loss and gradients are
 * those of the f32 composition up to f16 rounding (2^-11 relative per stored value), and they
 * differ from the f32 step's by about that much. ops/half-act.test.ts checks each kernel's
 * packed reads and writes exactly; replay/replay.test.ts the replayed plan of this step.
 */
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { fullGradient } from '../ops/fused';
import { useBackend } from '../testing/backend.node.js';
import { referenceLogits, relDiff } from '../testing/resnet-reference.node';
import { buildModel } from './index';

describe('ResNet step with f16 activation storage on webgpu', () => {
  beforeAll(async () => {
    await useBackend('webgpu');
  });

  it('matches autodiff of the f32 composition to f16 rounding, and is not the f32 step', async () => {
    const half = buildModel('resnet8', 10, 3, { halfActivations: true });
    const full = buildModel('resnet8', 10, 3);
    const x = tf.randomNormal([4, 8, 8, 3], 0, 1, 'float32', 7) as tf.Tensor4D;
    const labels = tf.tensor1d([3, 8, 1, 2], 'int32');
    const oneHot = tf.oneHot(labels, 10);
    const ref = tf.valueAndGrads((...ps: tf.Tensor[]) =>
      tf.neg(tf.mean(tf.sum(tf.mul(oneHot, tf.logSoftmax(referenceLogits(ps, x))), 1))),
    )(half.params);
    const ours = half.lossAndGrads!(x, labels);
    const f32 = full.lossAndGrads!(x, labels);

    expect(await relDiff(ours.loss, ref.value)).toBeLessThan(3e-4);
    let fromF32 = 0;
    for (let i = 0; i < ref.grads.length; i++) {
      const grad = fullGradient(ours.grads[i]!, half.params[i]!);
      const other = fullGradient(f32.grads[i]!, full.params[i]!);
      expect(await relDiff(grad, ref.grads[i]!), `param ${i}`).toBeLessThan(1e-2);
      fromF32 = Math.max(fromF32, await relDiff(grad, other));
      tf.dispose([grad, other]);
    }
    // The f32 step agrees with the reference to 1e-5 or so; the f16 storage shows.
    expect(fromF32).toBeGreaterThan(2e-4);
    tf.dispose([x, labels, oneHot, ref.value, ...ref.grads, ours.loss, ...ours.grads]);
    tf.dispose([f32.loss, ...f32.grads]);
    half.dispose();
    full.dispose();
  });
});
