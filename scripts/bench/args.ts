// Command-line flags of `npm run bench`.
import { parseArgs } from 'node:util';

export interface BenchArgs {
  batch: number;
  depth: number;
  warmup: number;
  steps: number;
  numClasses: number;
  /** L2 weight decay for both builds; 0 drops the naive build's regularizer kernels */
  weightDecay: number;
  /** input-pipeline throughput: batch size and batches timed */
  inputBatch: number;
  inputBatches: number;
  /** print the input-pipeline figures only (no training steps) */
  inputOnly: boolean;
  /** print the engine step's dispatch / traffic / FLOP count at batch 128 only (no timing) */
  countOnly: boolean;
  /** the engine stores conv outputs as f16 (ops/half-act.ts; off by default in the lab) */
  half: boolean;
}

const DEFAULTS: BenchArgs = {
  batch: 2,
  depth: 56,
  warmup: 1,
  steps: 3,
  numClasses: 10,
  weightDecay: 5e-4,
  inputBatch: 128,
  inputBatches: 100,
  inputOnly: false,
  countOnly: false,
  half: false,
};

export function parseBenchArgs(argv: string[]): BenchArgs {
  const { values } = parseArgs({
    args: argv,
    options: {
      batch: { type: 'string' },
      depth: { type: 'string' },
      warmup: { type: 'string' },
      steps: { type: 'string' },
      classes: { type: 'string' },
      'weight-decay': { type: 'string' },
      'input-batch': { type: 'string' },
      'input-batches': { type: 'string' },
      'input-only': { type: 'boolean' },
      'count-only': { type: 'boolean' },
      half: { type: 'boolean' },
    },
  });
  const int = (name: string, raw: string | undefined, fallback: number, min: number) => {
    if (raw === undefined) return fallback;
    const v = Number(raw);
    if (!Number.isInteger(v) || v < min)
      throw new Error(`--${name} must be an integer ≥ ${min}, got ${raw}`);
    return v;
  };
  const nonNegative = (name: string, raw: string | undefined, fallback: number) => {
    if (raw === undefined) return fallback;
    const v = Number(raw);
    if (!Number.isFinite(v) || v < 0) throw new Error(`--${name} must be a number ≥ 0, got ${raw}`);
    return v;
  };
  const depth = int('depth', values.depth, DEFAULTS.depth, 8);
  if ((depth - 2) % 6 !== 0) throw new Error(`--depth must be 6n+2 (20, 56, 110…), got ${depth}`);
  return {
    batch: int('batch', values.batch, DEFAULTS.batch, 1),
    depth,
    warmup: int('warmup', values.warmup, DEFAULTS.warmup, 0),
    steps: int('steps', values.steps, DEFAULTS.steps, 1),
    numClasses: int('classes', values.classes, DEFAULTS.numClasses, 2),
    weightDecay: nonNegative('weight-decay', values['weight-decay'], DEFAULTS.weightDecay),
    inputBatch: int('input-batch', values['input-batch'], DEFAULTS.inputBatch, 1),
    inputBatches: int('input-batches', values['input-batches'], DEFAULTS.inputBatches, 1),
    inputOnly: values['input-only'] ?? DEFAULTS.inputOnly,
    countOnly: values['count-only'] ?? DEFAULTS.countOnly,
    half: values.half ?? DEFAULTS.half,
  };
}
