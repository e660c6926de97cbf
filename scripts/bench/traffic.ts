// Counts what one training step asks of the GPU, dispatch by dispatch: bytes each dispatch binds
// for reading and writing, and the multiply-add FLOPs of its convolutions and matmuls. It wraps
// the webgpu backend's `recordAndSubmit` (the one place every tfjs and engine program passes
// through on its way to a compute pass), so nothing is sampled or estimated: at batch 128 it
// can even count without running the work (`execute: false`), which SwiftShader could not do in
// minutes. Shared by the Node bench and the GPU driver; no Node-only imports.
import * as tf from '@tensorflow/tfjs';

export interface Dispatch {
  /** The program's class name, or its shader key's prefix for the engine's plain programs. */
  kind: string;
  readBytes: number;
  writeBytes: number;
  flops: number;
}

interface ProgramLike {
  shaderKey: string;
  /** FLOPs a program states itself (ops/implicit-gemm.ts). */
  flops?: number;
  constructor: { name: string };
}

const BYTES = 4; // float32 and int32 (webgpu stores bool as int32 too)
const size = (shape: number[]) => shape.reduce((a, b) => a * b, 1);

function kindOf(p: ProgramLike): string {
  // Self-describing programs (the engine's implicit GEMMs) are named by their shader key.
  if (typeof p.flops === 'number') return p.shaderKey.split('_')[0]!;
  const name = p.constructor.name;
  return name && name !== 'Object' ? name : p.shaderKey.split('_')[0]!;
}

/** FLOPs (2 per multiply-add) of the dispatches that dominate a ResNet step; 0 for the rest. */
export function flopsOf(kind: string, inputs: number[][], out: number[]) {
  const [a, b] = inputs;
  if (/^Conv2DDerInput/.test(kind) && a && b) {
    // inputs dy, W [kh, kw, ci, co]: every dy element meets kh·kw·ci weights.
    return 2 * size(a) * b[0]! * b[1]! * b[2]!;
  }
  if (/^Conv2DDerFilter/.test(kind) && b) return 2 * (size(b) / b[3]!) * size(out); // x, dy
  if (/^Conv2D/.test(kind) && b && b.length === 4) return 2 * size(out) * b[0]! * b[1]! * b[2]!;
  if (/MatMul/.test(kind) && a) {
    // out [batch, m, n]; the shared dimension is the one of a's last two not in out.
    const k = a[a.length - 1] === out[out.length - 2] ? a[a.length - 2]! : a[a.length - 1]!;
    return 2 * size(out) * k;
  }
  return 0;
}

type Submit = (
  program: ProgramLike,
  output: tf.TensorInfo,
  inputs: tf.TensorInfo[],
  ...rest: unknown[]
) => void;

/**
 * Runs `f` with every dispatch recorded. With `execute: false` the dispatches are not encoded,
 * so outputs hold garbage: use it only to count, then throw the state away.
 */
export function countDispatches(f: () => void, execute = true): Dispatch[] {
  if (tf.getBackend() !== 'webgpu') throw new Error('countDispatches needs the webgpu backend');
  const backend = tf.backend() as unknown as { recordAndSubmit: Submit };
  const original = backend.recordAndSubmit;
  const log: Dispatch[] = [];
  backend.recordAndSubmit = function (program, output, inputs, ...rest) {
    const shapes = inputs.map((t) => t.shape);
    const kind = kindOf(program);
    log.push({
      kind,
      readBytes: shapes.reduce((s, sh) => s + size(sh) * BYTES, 0),
      writeBytes: size(output.shape) * BYTES,
      flops: program.flops ?? flopsOf(kind, shapes, output.shape),
    });
    if (execute) original.call(this, program, output, inputs, ...rest);
  };
  try {
    f();
  } finally {
    backend.recordAndSubmit = original;
  }
  return log;
}

export interface KindRow {
  kind: string;
  dispatches: number;
  bytes: number;
  flops: number;
}

/** Per-kind totals, largest traffic first, and the step's totals. */
export function summarise(log: Dispatch[]): { rows: KindRow[]; total: KindRow } {
  const by = new Map<string, KindRow>();
  for (const d of log) {
    const row = by.get(d.kind) ?? { kind: d.kind, dispatches: 0, bytes: 0, flops: 0 };
    row.dispatches += 1;
    row.bytes += d.readBytes + d.writeBytes;
    row.flops += d.flops;
    by.set(d.kind, row);
  }
  const rows = [...by.values()].sort((a, b) => b.bytes - a.bytes);
  const total = rows.reduce(
    (t, r) => ({
      kind: 'total',
      dispatches: t.dispatches + r.dispatches,
      bytes: t.bytes + r.bytes,
      flops: t.flops + r.flops,
    }),
    { kind: 'total', dispatches: 0, bytes: 0, flops: 0 },
  );
  return { rows, total };
}
