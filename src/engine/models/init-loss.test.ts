/**
 * The first loss of every model family on real CIFAR-10 images sits near ln 10 ≈ 2.303, as in
 * PyTorch (its default nn.Linear init on the last layer). With a He-normal last layer it started
 * at 3.7–4.3, which teaches students that "loss starts around 4".
 */
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { InputPipeline } from '../augment';
import { BatchAssembler } from '../batch';
import { crossEntropy } from '../loss';
import { memorySplit, readCifarRecords } from '../testing/cifar.node';
import { buildModel } from './index';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

describe('initial loss', () => {
  it.each(['resnet20', 'shallow3'] as const)('%s starts within 0.3 of ln 10', async (id) => {
    const { labels, pixels } = await readCifarRecords(32);
    const split = memorySplit(labels, pixels);
    const { x, y } = new BatchAssembler(32).assemble(
      split,
      Array.from({ length: 32 }, (_, i) => i),
    );
    const pipeline = new InputPipeline(32, 'cifar10', 0);
    const model = buildModel(id, 10, 1);
    const loss = tf.tidy(() =>
      crossEntropy(model.apply(pipeline.normalize(x), true), tf.oneHot(y, 10) as tf.Tensor2D),
    );
    expect(Math.abs((await loss.data())[0]! - Math.log(10))).toBeLessThan(0.3);
    tf.dispose([x, y, loss]);
    pipeline.dispose();
    model.dispose();
  });
});
