// The step's dispatches, bytes and FLOPs per kernel kind, counted at any batch without running
// the work (see traffic.ts). Printed by `npm run bench` and the GPU driver.
import * as tf from '@tensorflow/tfjs';
import type { BenchArgs } from './args';
import { openEngine, randomBatch } from './builds';
import { countDispatches, summarise, type KindRow } from './traffic';

export interface StepCount {
  batch: number;
  rows: KindRow[];
  total: KindRow;
}

/** Counts the engine's second step (the first creates one-off state) at `batch`. */
export function countEngineStep(args: BenchArgs, batch: number): StepCount {
  const at = { ...args, batch };
  const { xRaw, labels } = randomBatch(at);
  const build = openEngine(at, xRaw, labels);
  try {
    countDispatches(() => tf.dispose(build.step()), false);
    const { rows, total } = summarise(countDispatches(() => tf.dispose(build.step()), false));
    return { batch, rows, total };
  } finally {
    build.dispose();
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
