/** The speed probe times real steps on the cpu backend and leaves no tensor behind. */
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { measureSpeed } from './speed';
import { useBackend } from './testing/backend.node.js';

describe('measureSpeed', () => {
  beforeAll(() => useBackend('cpu'));

  it('returns positive timings and disposes everything', async () => {
    const before = tf.memory().numTensors;
    const warm: number[] = [];
    const r = await measureSpeed({
      model: 'shallow3',
      dataset: 'cifar10',
      numClasses: 10,
      batch: 2,
      steps: 1,
      onWarm: (s) => warm.push(s),
    });
    // The first step is reported as it ends, for an early upper bound.
    expect(warm).toEqual([r!.warmupSeconds]);
    expect(r).not.toBeNull();
    expect(r!.stepsTimed).toBe(1);
    expect(r!.secondsPerStep).toBeGreaterThan(0);
    expect(r!.evalSecondsPerImage).toBeGreaterThan(0);
    expect(r!.warmupSeconds).toBeGreaterThan(0);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('stops when told to, still leaving nothing behind', async () => {
    const before = tf.memory().numTensors;
    const r = await measureSpeed({
      model: 'shallow3',
      dataset: 'cifar10',
      numClasses: 10,
      batch: 2,
      keepGoing: () => false,
    });
    expect(r).toBeNull();
    expect(tf.memory().numTensors).toBe(before);
  });
});
