import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { parseBenchArgs } from './args';
import { countReadbacks, measureStep, median, timeStepsInTurn } from './measure';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

describe('median', () => {
  it.each([
    [[3], 3],
    [[5, 1, 3], 3],
    [[4, 1, 3, 2], 2.5],
  ])('median(%j) = %d', (xs, want) => expect(median(xs)).toBe(want));
});

describe('countReadbacks', () => {
  it('counts dataSync and data() on the backend, and stops counting after restore', async () => {
    const t = tf.tensor1d([1, 2, 3]);
    const reads = countReadbacks(tf.backend());
    t.dataSync();
    await t.data();
    expect(reads.count()).toBe(2);
    reads.restore();
    t.dataSync();
    expect(reads.count()).toBe(2);
    t.dispose();
  });
});

describe('measureStep', () => {
  it('counts the kernels and readbacks of a step and sees no leak', async () => {
    const w = tf.variable(tf.ones([4]));
    // Two kernels (Mul, Sum) and one readback per step.
    const step = () => {
      const s = tf.tidy(() => w.mul(2).sum()) as tf.Scalar;
      s.dataSync();
      return s;
    };
    const f = await measureStep(step, { warmup: 1, steps: 3 });
    expect(f.kernels).toBe(2);
    expect(f.readbacks).toBe(1);
    expect(f.leakedTensors).toBe(0);
    expect(f.hostMsSamples).toHaveLength(3);
    expect(f.peakBytes).toBeGreaterThanOrEqual(16);
    w.dispose();
  });
});

describe('parseBenchArgs', () => {
  it('defaults to ResNet-56 at batch 2', () => {
    expect(parseBenchArgs([])).toMatchObject({ depth: 56, batch: 2 });
  });
  it('reads --batch and --depth', () => {
    expect(parseBenchArgs(['--batch', '128', '--depth', '20'])).toMatchObject({
      depth: 20,
      batch: 128,
    });
  });
  it.each([
    ['--depth', '21'],
    ['--batch', '0'],
    ['--weight-decay', '-1'],
  ])('rejects %s %s', (flag, v) => expect(() => parseBenchArgs([flag, v])).toThrow());
});

describe('timeStepsInTurn', () => {
  it('takes turns and charges each readback and leak to the step that made it', async () => {
    const order: string[] = [];
    const kept: tf.Tensor[] = [];
    const reads = (): tf.Scalar => {
      order.push('reads');
      const s = tf.scalar(1);
      s.dataSync();
      return s;
    };
    const leaks = (): tf.Scalar => {
      order.push('leaks');
      kept.push(tf.zeros([2])); // left alive on purpose: one tensor per call
      return tf.scalar(2);
    };
    const [a, b] = await timeStepsInTurn([reads, leaks], 3);
    expect(order).toEqual(['reads', 'leaks', 'reads', 'leaks', 'reads', 'leaks']);
    expect(a).toMatchObject({ readbacks: 1, leakedTensors: 0 });
    expect(b).toMatchObject({ readbacks: 0, leakedTensors: 1 });
    expect(a!.hostMsSamples).toHaveLength(3);
    expect(b!.hostMsSamples).toHaveLength(3);
    tf.dispose(kept);
  });
});
