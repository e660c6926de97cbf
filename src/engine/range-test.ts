/**
 * The LR range test: a fresh model from the configuration's seed trained for N iterations while
 * the LR sweeps from start to end (momentum constant at momMax, the configuration's weight decay).
 * Train losses are read back every few steps, the validation loss and accuracy of a fixed subset
 * every ~N/20 steps, and the sweep stops once the smoothed loss diverges. Every tensor is freed:
 * no trained weights outlive the test.
 */
import type { EngineConfig } from '../core/config';
import {
  RANGE_VAL_IMAGES,
  RangeTracker,
  rangeEvalEvery,
  rangeLr,
  rangeSpecErrors,
  type RangeSpec,
} from '../core/range-test';
import { readbackInterval } from '../core/readback';
import type { TrainPoint } from '../core/run';
import type { LoadedDataset } from './data/types';
import type { ModelId } from './models';
import type { EngineEvent, RunHooks } from './run';
import { TrainingSession } from './session';

export type RangeEngineEvent =
  | EngineEvent
  /** The sweep's end: the LR and step where it diverged, or nulls when it ran to the end. */
  | { type: 'rangeResult'; divergedAt: number | null; divergedStep: number | null };

export interface RangeHooks extends Omit<RunHooks, 'emit'> {
  emit(e: RangeEngineEvent): void;
}

export interface RangeOptions {
  modelOverride?: ModelId;
  /** Steps between loss readbacks (default: core's readbackInterval of the sweep length). */
  readbackEvery?: number;
  /** Steps between validation passes (default: about 10 passes per sweep). */
  evalEvery?: number;
  /** Validation images, a fixed prefix of the test split (default min(valSize, 512)). */
  valImages?: number;
}

export async function runRangeTest(
  config: EngineConfig,
  range: RangeSpec,
  data: LoadedDataset,
  hooks: RangeHooks,
  opts: RangeOptions = {},
): Promise<'done' | 'stopped' | 'diverged'> {
  const problems = rangeSpecErrors(range);
  if (problems.length) throw new Error(problems.join('; '));
  const total = range.steps;
  const readbackEvery = Math.max(1, opts.readbackEvery ?? readbackInterval(total));
  // ~10 readings of the validation curves are enough to see where they turn; each costs a pass.
  const evalEvery = Math.max(1, opts.evalEvery ?? rangeEvalEvery(total));
  const valImages = Math.min(
    opts.valImages ?? Math.min(config.valSize, RANGE_VAL_IMAGES),
    data.test.total,
  );
  const momentum = config.momMax;
  const batchSize = config.batchSize;

  const session = new TrainingSession<{ step: number; lr: number }>(
    config,
    data,
    opts.modelOverride ? { modelOverride: opts.modelOverride } : {},
  );
  const { stepsPerEpoch } = session;
  const tracker = new RangeTracker();
  let trainMs = 0;

  /** Reads pending losses; emits them up to and including a divergence; returns that point. */
  async function flush(): Promise<{ step: number; lr: number } | null> {
    const read = await session.drain();
    const points: TrainPoint[] = [];
    let diverged: { step: number; lr: number } | null = null;
    for (const { meta, loss } of read) {
      if (Number.isFinite(loss)) points.push({ step: meta.step, loss, lr: meta.lr, momentum });
      if (tracker.push(loss).diverged) {
        diverged = meta;
        break;
      }
    }
    if (points.length) hooks.emit({ type: 'trainPoints', points });
    return diverged;
  }

  function progress(step: number): void {
    const rate = trainMs > 0 ? (step * batchSize * 1000) / trainMs : 0;
    hooks.emit({
      type: 'progress',
      epoch: Math.floor((step - 1) / stepsPerEpoch) + 1,
      epochs: Math.ceil(total / stepsPerEpoch),
      step,
      totalSteps: total,
      imagesPerSec: rate,
      etaSec: rate > 0 ? ((total - step) * batchSize) / rate : null,
    });
  }

  function end(diverged: { step: number; lr: number } | null): 'done' | 'diverged' {
    hooks.emit({
      type: 'rangeResult',
      divergedAt: diverged?.lr ?? null,
      divergedStep: diverged?.step ?? null,
    });
    return diverged ? 'diverged' : 'done';
  }

  try {
    for (let step = 1; step <= total; step++) {
      if (hooks.pauseRequested?.() && session.pending > 0) {
        const bad = await flush();
        if (bad) return end(bad);
      }
      if (!(await hooks.checkpoint())) {
        await flush();
        return 'stopped';
      }
      const t0 = performance.now();
      const lr = rangeLr(step - 1, range);
      // Loading shards is not training time.
      trainMs -= await session.step(step - 1, lr, momentum, { step, lr });

      const isEval = step % evalEvery === 0 || step === total;
      if (session.pending >= readbackEvery || isEval) {
        const bad = await flush();
        trainMs += performance.now() - t0;
        progress(step);
        if (bad) return end(bad);
      } else {
        trainMs += performance.now() - t0;
      }
      if (isEval) {
        const point = await session.validate(step, valImages);
        hooks.emit({ type: 'valPoint', point: { ...point, lr } });
      }
    }
    return end(null);
  } finally {
    session.dispose();
  }
}
