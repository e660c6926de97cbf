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

/** What one profiled step shows: the same whatever the machine's load. */
export type StepProfile = Pick<StepFigures, 'kernels' | 'peakBytes' | 'peakStepBytes'>;

/** The timed part of {@link StepFigures}. */
export type StepTimes = Omit<StepFigures, keyof StepProfile>;

/** Warms a step up, then profiles one call (one-off work such as optimizer slots is not counted). */
export async function profileStep(step: () => tf.Scalar, warmup: number): Promise<StepProfile> {
  for (let i = 0; i < warmup; i++) await runAndDrain(step);
  const bytesBefore = tf.memory().numBytes;
  const profile = await tf.profile(() => step());
  await (profile.result as tf.Scalar).data();
  tf.dispose(profile.result);
  // A step that runs no tfjs kernel (a replayed plan) has no peak of its own in tf.profile:
  // its tensors are then what was there plus what it returned.
  const peakBytes = profile.kernels.length
    ? profile.peakBytes
    : bytesBefore + Math.max(0, profile.newBytes);
  return {
    kernels: profile.kernels.length,
    peakBytes,
    peakStepBytes: peakBytes - bytesBefore,
  };
}

const collectGarbage = (globalThis as { gc?: () => void }).gc;

/**
 * Times `rounds` calls of each step, taking turns (a, b, a, b, …): on a shared machine the load
 * changes over minutes, and timing one build after the other would charge it to one build only.
 * Host time is from the call to its return (GPU work not awaited); the drain after each call keeps
 * one step's GPU work out of the next step's host window.
 */
export async function timeStepsInTurn(
  steps: (() => tf.Tensor)[],
  rounds: number,
): Promise<StepTimes[]> {
  const reads = countReadbacks(tf.backend());
  const host = steps.map((): number[] => []);
  const wall = steps.map((): number[] => []);
  const readbacks = steps.map(() => 0);
  const leaked = steps.map(() => 0);
  try {
    for (let r = 0; r < rounds; r++) {
      for (const [i, step] of steps.entries()) {
        const tensorsBefore = tf.memory().numTensors;
        const readsBefore = reads.count();
        // Collect the previous build's garbage outside the window (node --expose-gc), so that a
        // pause it caused is not charged to the step timed next.
        collectGarbage?.();
        const t0 = performance.now();
        const loss = step();
        host[i]!.push(performance.now() - t0);
        readbacks[i]! += reads.count() - readsBefore;
        await loss.data(); // drain outside the host-time window
        wall[i]!.push(performance.now() - t0);
        loss.dispose();
        leaked[i]! += tf.memory().numTensors - tensorsBefore;
      }
    }
  } finally {
    reads.restore();
  }
  return steps.map((_, i) => ({
    hostMs: median(host[i]!),
    hostMsSamples: host[i]!,
    wallMs: median(wall[i]!),
    readbacks: readbacks[i]! / rounds,
    leakedTensors: leaked[i]! / rounds,
  }));
}

export async function measureStep(
  step: () => tf.Scalar,
  opts: MeasureOptions,
): Promise<StepFigures> {
  const profile = await profileStep(step, opts.warmup);
  const [times] = await timeStepsInTurn([step], opts.steps);
  return { ...profile, ...times! };
}
