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
  /** The replayed plan of the same step: its dispatches and the bytes they bind, by kind. */
  plan: { rows: KindRow[]; total: KindRow };
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
    return {
      batch,
      rows,
      total,
      peakBytes: before + arena.bytes,
      plan: countPlan(at, xRaw, labels),
    };
  } finally {
    build.dispose();
    arena.destroy();
    tf.dispose([xRaw, labels]);
  }
}

type Submit = (program: { dispatch: number[] }, ...rest: unknown[]) => void;

/**
 * Records the engine's plan of the step (its second step, as the trainer does) with every
 * dispatch encoded as zero workgroups: pipelines, buffers and bind groups are real, so the plan
 * and its fusions (replay/) are the ones a GPU would replay, but no work runs, which lets
 * SwiftShader count batch 128. Returns the plan's dispatches and bound bytes per kind.
 */
function countPlan(args: BenchArgs, xRaw: tf.Tensor4D, labels: tf.Tensor1D) {
  const backend = tf.backend() as unknown as { recordAndSubmit: Submit };
  const original = backend.recordAndSubmit;
  backend.recordAndSubmit = function (program, ...rest) {
    const dispatch = program.dispatch;
    program.dispatch = [0, 1, 1];
    try {
      original.call(this, program, ...rest);
    } finally {
      program.dispatch = dispatch; // what the plan records and would replay
    }
  };
  const build = openEngine(args, xRaw, labels, true);
  try {
    tf.dispose([build.step(), build.step()]);
    const status = build.replay?.();
    const kinds = build.trafficByKind?.();
    if (!status?.dispatches || !kinds) throw new Error(`no plan recorded: ${status?.refused}`);
    const rows = [...kinds].map(([kind, r]) => ({ kind, ...r, flops: 0 }));
    rows.sort((a, b) => b.bytes - a.bytes);
    const total = {
      kind: 'total (with the state copies)',
      dispatches: status.dispatches,
      bytes: status.trafficBytes,
      flops: 0,
    };
    return { rows, total };
  } finally {
    build.dispose();
    backend.recordAndSubmit = original;
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
  lines.push(
    '',
    `| replayed plan (batch ${c.batch}) | dispatches | GB read + written |`,
    '| --- | ---: | ---: |',
  );
  for (const r of [...c.plan.rows, c.plan.total])
    lines.push(`| ${r.kind} | ${r.dispatches} | ${gb(r.bytes)} |`);
  return lines.join('\n');
}
