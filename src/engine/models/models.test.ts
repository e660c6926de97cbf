import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildModel } from './index';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

describe('model parameter counts', () => {
  it.each([
    // He et al. Table 6: ResNet-20 0.27M, ResNet-56 0.85M (CIFAR-10, option A shortcuts).
    ['resnet20', 10, 269_722],
    ['resnet56', 10, 853_018],
    ['resnet110', 10, 1_727_962],
    // cifar10_quick: conv 2,432 + 25,632 + 51,264; ip1 65,600; ip2 650.
    ['shallow3', 10, 145_578],
    // CIFAR-100 only widens the last layer: 64·90 + 90 more.
    ['resnet56', 100, 853_018 + 64 * 90 + 90],
  ] as const)('%s with %i classes has %i parameters', (id, classes, expected) => {
    const model = buildModel(id, classes, 1);
    expect(model.paramCount).toBe(expected);
    expect(model.params.reduce((s, p) => s + p.size, 0)).toBe(expected);
    model.dispose();
  });

  it('logits have shape [batch, classes] in both modes', () => {
    const model = buildModel('resnet8', 10, 1);
    const x = tf.randomNormal([2, 32, 32, 3]) as tf.Tensor4D;
    expect(model.apply(x, false).shape).toEqual([2, 10]);
    expect(model.apply(x, true).shape).toEqual([2, 10]);
    tf.dispose(x);
    model.dispose();
  });
});

describe('seeded initialisation', () => {
  it('one seed gives identical weights; another seed differs', async () => {
    const a = buildModel('resnet8', 10, 7);
    const b = buildModel('resnet8', 10, 7);
    const c = buildModel('resnet8', 10, 8);
    const wa = await a.params[0]!.data();
    expect(Array.from(await b.params[0]!.data())).toEqual(Array.from(wa));
    expect(Array.from(await c.params[0]!.data())).not.toEqual(Array.from(wa));
    // He-normal std for the 3×3×3 stem: sqrt(2/27) ≈ 0.272.
    const std = Math.sqrt(Array.from(wa).reduce((s, v) => s + v * v, 0) / wa.length);
    expect(std).toBeGreaterThan(0.2);
    expect(std).toBeLessThan(0.35);
    for (const m of [a, b, c]) m.dispose();
  });

  it('dispose frees every tensor it made', () => {
    const before = tf.memory().numTensors;
    const model = buildModel('resnet8', 10, 1);
    const x = tf.zeros([2, 32, 32, 3]) as tf.Tensor4D;
    tf.dispose(model.apply(x, true));
    model.dispose();
    x.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });
});
