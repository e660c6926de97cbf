import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildNaiveResNet, createNaiveStep } from './naive-resnet';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

const trainableParams = (m: tf.LayersModel) =>
  m.trainableWeights.reduce((n, w) => n + w.shape.reduce((a, b) => (a ?? 0) * (b ?? 0), 1)!, 0);

describe('buildNaiveResNet', () => {
  it('has the ResNet-20 parameter count of the paper (≈0.27M, 269,722 with option-A shortcuts)', () => {
    const model = buildNaiveResNet({ depth: 20, numClasses: 10, weightDecay: 5e-4, seed: 1 });
    expect(trainableParams(model)).toBe(269_722);
    expect(model.outputs[0]!.shape).toEqual([null, 10]);
    model.dispose();
  });

  it('rejects depths that are not 6n+2', () => {
    expect(() => buildNaiveResNet({ depth: 21, numClasses: 10, weightDecay: 0, seed: 1 })).toThrow(
      /6n\+2/,
    );
  });

  it('one step returns data loss + L2 term and moves every trainable weight', () => {
    const wd = 5e-4;
    const model = buildNaiveResNet({ depth: 8, numClasses: 10, weightDecay: wd, seed: 1 });
    const step = createNaiveStep(model, { lr: 0.05, momentum: 0.9, numClasses: 10 });
    const x = tf.randomNormal([2, 32, 32, 3], 0, 1, 'float32', 3) as tf.Tensor4D;
    const labels = tf.tensor1d([0, 1], 'int32');
    const dataLoss = tf.tidy(
      () =>
        tf.losses
          .softmaxCrossEntropy(
            tf.oneHot(labels, 10),
            model.apply(x, { training: true }) as tf.Tensor,
          )
          .dataSync()[0]!,
    );
    const kernels = model.trainableWeights.filter((w) => w.name.includes('kernel'));
    const l2 =
      tf.tidy(() => kernels.reduce((s, w) => s + w.read().square().sum().dataSync()[0]!, 0)) *
      (wd / 2);
    const before = model.trainableWeights.map((w) => w.read().dataSync().slice());

    const loss = step(x, labels);
    expect(loss.dataSync()[0]!).toBeCloseTo(dataLoss + l2, 4);
    const unchanged = model.trainableWeights.filter((w, i) =>
      w
        .read()
        .dataSync()
        .every((v, j) => v === before[i]![j]),
    );
    expect(unchanged.map((w) => w.name)).toEqual([]);
    tf.dispose([x, labels, loss]);
    model.dispose();
  });
});
