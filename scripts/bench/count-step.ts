// The step's dispatches, bytes and FLOPs per kernel kind, counted at any batch without running
// the work (see traffic.ts). Printed by `npm run bench` and the GPU driver.
import * as tf from '@tensorflow/tfjs';
import type { BenchArgs } from './args';
import { Arena, recordInto } from '../../src/engine/replay/arena';
import { webGpuInternals } from '../../src/engine/replay/internals';
import { openEngine, randomBatch } from './builds';
import { countDispatches, summarise, type KindRow } from './traffic';

export interface StepCount {
  batch: number;
  rows: KindRow[];
  total: KindRow;
  /**
   * GPU bytes a recorded plan of this step holds (replay/arena.ts: the step's buffers, reused by
   * its own liveness) plus the tensors alive before it (weights, velocities, slots): the step's
   * peak, found without running it by counting the second step inside an arena.
   */
  peakBytes: number;
}

/** Counts the engine's second step (the first creates one-off state) at `batch`. */
export function countEngineStep(args: BenchArgs, batch: number): StepCount {
  const at = { ...args, batch };
  const { xRaw, labels } = randomBatch(at);
  // Through tfjs: a replay runs the same dispatches, but past the hook that counts them.
  const build = openEngine(at, xRaw, labels, false);
  const gpu = webGpuInternals()!;
  const arena = new Arena(gpu.device);
  try {
    countDispatches(() => tf.dispose(build.step()), false);
    const before = tf.memory().numBytes;
    const log = recordInto(gpu.bufferManager, arena, () =>
      countDispatches(() => tf.dispose(build.step()), false),
    );
    const { rows, total } = summarise(log);
    return { batch, rows, total, peakBytes: before + arena.bytes };
  } finally {
    build.dispose();
    arena.destroy();
    tf.dispose([xRaw, labels]);
  }
}

const gb = (b: number) => (b / 1e9).toFixed(3);

/** A Markdown table, as docs/benchmarks.md records it. */
export function countTable(c: StepCount): string {
  const lines = [
    `| kernel kind (batch ${c.batch}) | dispatches | GB read + written | GFLOP |`,
    '| --- | ---: | ---: | ---: |',
  ];
  for (const r of [...c.rows, c.total]) {
    lines.push(`| ${r.kind} | ${r.dispatches} | ${gb(r.bytes)} | ${(r.flops / 1e9).toFixed(2)} |`);
  }
  return lines.join('\n');
}
