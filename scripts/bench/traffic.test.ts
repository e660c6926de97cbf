// The dispatch counter behind the bench's dispatchesPerStep / trafficBytesPerStep128 /
// flopsPerStep128: exact bytes and FLOPs for a dispatch whose cost is known by hand, and the same
// count whether or not the step's work is executed (the bench counts batch 128 without it).
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildModel } from '../../src/engine/models/index';
import { useBackend } from '../../src/engine/testing/backend.node.js';
import { createTrainStep } from '../../src/engine/train-step';
import { countDispatches, flopsOf, summarise } from './traffic';

describe('dispatch counter on webgpu', () => {
  beforeAll(async () => {
    await useBackend('webgpu');
  });

  it('counts one convolution: its bound bytes and 2·out·kh·kw·ci FLOPs', () => {
    // A ResNet stage-1 shape: large enough that tfjs runs one conv program, not im2col + matmul.
    const x = tf.randomUniform([8, 32, 32, 16]) as tf.Tensor4D;
    const w = tf.randomUniform([3, 3, 16, 16]) as tf.Tensor4D;
    const log = countDispatches(() => tf.dispose(tf.conv2d(x, w, 1, 'same')));
    expect(log.map((d) => d.kind)).toHaveLength(1);
    const [d] = log;
    expect(d!.kind).toMatch(/^Conv2D/);
    expect(d!.readBytes).toBe((8 * 32 * 32 * 16 + 3 * 3 * 16 * 16) * 4);
    expect(d!.writeBytes).toBe(8 * 32 * 32 * 16 * 4);
    expect(d!.flops).toBe(2 * (8 * 32 * 32 * 16) * 9 * 16);
    tf.dispose([x, w]);
  });

  it('counts a ResNet-8 step the same with and without running it', async () => {
    const model = buildModel('resnet8', 10, 1);
    const trainer = createTrainStep(model, {
      weightDecay: 5e-4,
      numClasses: 10,
      dataset: 'cifar10',
      augment: true,
      seed: 1,
      // Counting hooks tfjs's dispatch path, which a replayed step does not take.
      replay: false,
    });
    const x = tf.randomUniform([4, 32, 32, 3], 0, 255, 'float32', 1) as tf.Tensor4D;
    const y = tf.tensor1d([0, 1, 2, 3], 'int32');
    const step = () => tf.dispose(trainer.step(x, y, 0.05, 0.9));
    step(); // one-off state (momentum slots, constants)
    const ran = summarise(countDispatches(step, true)).total;
    const counted = summarise(countDispatches(step, false)).total;
    expect(counted).toEqual(ran);
    // 7 convs: forward, filter gradient and (all but the stem) input gradient each.
    const convs = countDispatches(step, false).filter((d) => d.flops > 0 && !/MatMul/.test(d.kind));
    expect(convs).toHaveLength(7 + 7 + 6);
    await tf.ready();
    trainer.dispose();
    model.dispose();
    tf.dispose([x, y]);
  });
});

describe('flopsOf', () => {
  it.each([
    // kind, inputs, output, dispatch, FLOPs
    [
      'Conv2DMMProgram',
      [
        [1, 4, 4, 2],
        [3, 3, 2, 5],
      ],
      [1, 4, 4, 5],
      2 * 80 * 18,
    ],
    [
      'Conv2DDerInputProgram',
      [
        [1, 2, 2, 5],
        [3, 3, 2, 5],
      ],
      [1, 4, 4, 2],
      2 * 20 * 18,
    ],
    [
      'MatMulSmallOutputSizeProgram',
      [
        [1, 8, 64],
        [1, 64, 10],
      ],
      [1, 8, 10],
      2 * 80 * 64,
    ],
    ['ScBnApply', [[1, 4, 4, 2]], [1, 4, 4, 2], 0],
  ] as const)('%s', (kind, inputs, out, flops) => {
    expect(
      flopsOf(
        kind,
        inputs.map((s) => [...s]),
        [...out],
      ),
    ).toBe(flops);
  });
});
