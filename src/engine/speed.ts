/**
 * This machine's speed for one model on the current backend: a few warm training steps and one
 * inference pass on a fixed-shape random batch (speed does not depend on the pixels), timed
 * after draining the queue. Leaves no tensors behind.
 */
import * as tf from '@tensorflow/tfjs';
import type { DatasetName } from '../core/config';
import { InputPipeline } from './augment';
import { buildModel, type ModelId } from './models';
import { createTrainStep } from './train-step';

export interface SpeedOptions {
  model: ModelId;
  dataset: DatasetName;
  numClasses: number;
  batch: number;
  /** Timed steps after the warm-up (at least one is always timed). */
  steps?: number;
  /** Stops timing steps after this many seconds, so a slow machine is not held for minutes. */
  maxSeconds?: number;
  /** Between steps: false stops the measurement (a run is starting). */
  keepGoing?: () => boolean;
  /** After the first (compiling) step: an upper bound on a step, for an early estimate. */
  onWarm?: (warmupSeconds: number) => void;
}

export interface SpeedResult {
  secondsPerStep: number;
  evalSecondsPerImage: number;
  /** Building the model plus its first step (shader compilation, buffer allocation). */
  warmupSeconds: number;
  stepsTimed: number;
}

const now = (): number => performance.now() / 1000;

export async function measureSpeed(opts: SpeedOptions): Promise<SpeedResult | null> {
  const { batch } = opts;
  const wanted = Math.max(1, opts.steps ?? 3);
  const maxSeconds = opts.maxSeconds ?? 20;
  const keepGoing = opts.keepGoing ?? (() => true);
  const t0 = now();
  const model = buildModel(opts.model, opts.numClasses, 1);
  const trainer = createTrainStep(model, {
    weightDecay: 1e-4,
    numClasses: opts.numClasses,
    dataset: opts.dataset,
    seed: 1,
  });
  const pipeline = new InputPipeline(batch, opts.dataset, 0);
  const x = tf.randomUniform([batch, 32, 32, 3], 0, 255, 'float32', 1) as tf.Tensor4D;
  const labels = tf.tensor1d(
    Array.from({ length: batch }, (_, i) => i % opts.numClasses),
    'int32',
  );
  const step = async (): Promise<void> => {
    const loss = trainer.step(x, labels, 0.01, 0.9);
    await loss.data();
    loss.dispose();
  };
  try {
    await step();
    const warmupSeconds = now() - t0;
    opts.onWarm?.(warmupSeconds);
    let timed = 0;
    const start = now();
    // The first step compiles every shader (45 s for the shallow net on SwiftShader, against a few
    // seconds a step after it), so at least one more step is always timed.
    while (timed < wanted && (timed === 0 || now() - start < maxSeconds)) {
      if (!keepGoing()) return null;
      await step();
      timed++;
    }
    if (!keepGoing()) return null;
    const secondsPerStep = (now() - start) / timed;
    // One untimed inference pass compiles its kernels; the second is timed.
    const infer = async (): Promise<void> => {
      const logits = tf.tidy(() => model.apply(pipeline.normalize(x), false));
      await logits.data();
      logits.dispose();
    };
    await infer();
    const e0 = now();
    await infer();
    const evalSecondsPerImage = (now() - e0) / batch;
    return { secondsPerStep, evalSecondsPerImage, warmupSeconds, stepsTimed: timed };
  } finally {
    tf.dispose([x, labels]);
    pipeline.dispose();
    trainer.dispose();
    model.dispose();
  }
}
