// Measures one training-step function: kernels, host enqueue time, readbacks and peak tensor bytes.
import * as tf from '@tensorflow/tfjs';

export interface StepFigures {
  /** kernels dispatched by one step (tf.profile) */
  kernels: number;
  /** median wall time from calling the step to its return, GPU work not awaited */
  hostMs: number;
  hostMsSamples: number[];
  /** median wall time from calling the step until its loss is read back (GPU work included) */
  wallMs: number;
  /** calls to the backend's read/readSync made inside the step */
  readbacks: number;
  /** tf.profile peakBytes: all live tensors, weights and optimizer state included */
  peakBytes: number;
  /** peak minus the bytes alive before the step: what the step itself allocates */
  peakStepBytes: number;
  /** tensors still alive after a step that were not before (should be 0) */
  leakedTensors: number;
}

export interface MeasureOptions {
  warmup: number;
  steps: number;
}

/** Wraps the backend instance's read/readSync so every GPU→CPU transfer is counted. */
export function countReadbacks(backend: tf.KernelBackend): {
  count: () => number;
  restore: () => void;
} {
  let n = 0;
  let depth = 0; // a backend's read() may call its own readSync(): count the outer call only
  const target = backend as unknown as Record<'read' | 'readSync', (...a: unknown[]) => unknown>;
  const originals = { read: target.read, readSync: target.readSync };
  for (const key of ['read', 'readSync'] as const) {
    const original = originals[key];
    target[key] = function (this: unknown, ...args: unknown[]) {
      if (depth === 0) n++;
      depth++;
      try {
        return original.apply(this, args);
      } finally {
        depth--;
      }
    };
  }
  return {
    count: () => n,
    restore: () => Object.assign(target, originals),
  };
}

export function median(xs: number[]): number {
  if (xs.length === 0) throw new Error('median of nothing');
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

/** Awaiting the loss is a small readback that also waits for the step's GPU work to finish. */
async function runAndDrain(step: () => tf.Scalar): Promise<void> {
  const loss = step();
  await loss.data();
  loss.dispose();
}

export async function measureStep(
  step: () => tf.Scalar,
  opts: MeasureOptions,
): Promise<StepFigures> {
  for (let i = 0; i < opts.warmup; i++) await runAndDrain(step);

  // Profiled after warm-up so one-off work (optimizer slots, cached constants) is not counted.
  const bytesBefore = tf.memory().numBytes;
  const profile = await tf.profile(() => step());
  const peakBytes = profile.peakBytes;
  await (profile.result as tf.Scalar).data();
  tf.dispose(profile.result);

  const reads = countReadbacks(tf.backend());
  const hostMsSamples: number[] = [];
  const wallMsSamples: number[] = [];
  let readbacks = 0;
  const tensorsBefore = tf.memory().numTensors;
  try {
    for (let i = 0; i < opts.steps; i++) {
      const before = reads.count();
      const t0 = performance.now();
      const loss = step();
      hostMsSamples.push(performance.now() - t0);
      readbacks += reads.count() - before;
      await loss.data(); // drain outside the host-time window
      wallMsSamples.push(performance.now() - t0);
      loss.dispose();
    }
  } finally {
    reads.restore();
  }
  return {
    kernels: profile.kernels.length,
    hostMs: median(hostMsSamples),
    hostMsSamples,
    wallMs: median(wallMsSamples),
    readbacks: readbacks / opts.steps,
    peakBytes,
    peakStepBytes: peakBytes - bytesBefore,
    leakedTensors: (tf.memory().numTensors - tensorsBefore) / opts.steps,
  };
}
