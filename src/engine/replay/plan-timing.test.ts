/**
 * A timed replay (plan-timing.ts), on WebGPU in Node: it gives one time per dispatch of the plan,
 * with the plan's kinds, and the same result as an untimed replay.
 */
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { convForward } from '../ops/conv-forward';
import { bnStats, type BnSlot } from '../ops/flat-bn';
import { useBackend } from '../testing/backend.node.js';
import { webGpuInternals } from './internals';
import { PlanRunner } from './plan-runner';

const SLOT: BnSlot = { offset: 0, channels: 16, total: 16 };

describe('a timed replay', () => {
  beforeAll(async () => {
    await useBackend('webgpu');
  });

  it('times each dispatch of the plan and computes what an untimed replay does', async () => {
    const runner = new PlanRunner(webGpuInternals()!);
    const x = tf.randomNormal([2, 16, 16, 8], 0, 1, 'float32', 3) as tf.Tensor4D;
    const w = tf.randomNormal([3, 3, 8, 16], 0, 0.3, 'float32', 4);
    const chain = tf.zeros([2, 16]);
    const body = () => tf.tidy(() => bnStats(convForward(x, w, 1, 1), chain, SLOT) as tf.Tensor);
    const none = () => undefined;
    // Not yet recorded: nothing to time.
    expect(runner.timeNextReplay()).toBeNull();
    runner.run(none, body).dispose();
    runner.run(none, body).dispose();
    const plain = runner.run(none, body);
    const timing = runner.timeNextReplay();
    expect(timing).not.toBeNull();
    const timed = runner.run(none, body);
    const times = await timing!;
    const { dispatches, replays } = runner.report();
    expect(replays).toBe(2);
    // The conv with its tile statistics, then the finalize.
    expect(times.map((t) => t.kind)).toEqual(['ScConvTileStats', 'ScBnStatsFinal']);
    expect(times).toHaveLength(dispatches!);
    for (const t of times) expect(t.ms).toBeGreaterThanOrEqual(0);
    expect(times.reduce((s, t) => s + t.ms, 0)).toBeGreaterThan(0);
    expect(Array.from(await timed.data())).toEqual(Array.from(await plain.data()));
    // The next replay is untimed again, and still the same.
    const after = runner.run(none, body);
    expect(Array.from(await after.data())).toEqual(Array.from(await plain.data()));
    tf.dispose([x, w, chain, plain, timed, after]);
    runner.dispose();
  });
});
