/**
 * How long a run takes here, before Start: a measured seconds-per-step for the model, backend and
 * batch (a few warm steps in the worker), cached, and the run's steps, evaluations and data load.
 */
import type { BackendChoice, BackendName, ModelName, TrainConfig } from './config';
import { runSteps } from './config';

/** One speed measurement of this machine. */
export interface SpeedSample {
  model: ModelName;
  backend: BackendName;
  /** The adapter's description ('' when none): a new GPU or driver is a new machine. */
  device: string;
  /** The batch the steps were timed at (see probeBatch). */
  batch: number;
  secondsPerStep: number;
  /** Inference time per validation image, timed at the same batch. */
  evalSecondsPerImage: number;
  /** Building the model and its first (shader-compiling) step: paid once per run. */
  warmupSeconds: number;
  /** Date.now() of the measurement. */
  measuredAt: number;
  /**
   * Only the first, shader-compiling step was timed (its time stands for every step): an upper
   * bound shown while the measurement goes on, never stored.
   */
  provisional?: boolean;
}

/** A measurement older than this is taken again: browsers and drivers change under a lab. */
export const SPEED_STALE_DAYS = 14;
/** Steps are timed at most at this batch: deep ResNets on a software GPU take minutes per step. */
export const PROBE_MAX_BATCH = 16;

export function probeBatch(batch: number): number {
  return Math.max(1, Math.min(batch, PROBE_MAX_BATCH));
}

/** The backend is the one asked for ('auto' included): the page knows it before any run. */
export function speedKey(model: ModelName, backend: BackendChoice, batch: number): string {
  return `${model}/${backend}/${probeBatch(batch)}`;
}

/** Stale after SPEED_STALE_DAYS, or when the backend now in use (or its adapter) differs. */
export function isStale(
  s: SpeedSample,
  now: number,
  current?: { backend: BackendName; device: string } | null,
): boolean {
  if (now - s.measuredAt > SPEED_STALE_DAYS * 86_400_000 || now < s.measuredAt) return true;
  return current != null && (current.backend !== s.backend || current.device !== s.device);
}

/**
 * Relative cost per image (multiply-adds: ResNet-6n+2 ≈ 41 M × (6n+2)/20 … ; the shallow net's
 * three 5×5 convolutions ≈ 12 M), to extrapolate an unmeasured model from a measured one.
 */
export const MODEL_COST: Readonly<Record<ModelName, number>> = {
  shallow3: 0.3,
  resnet20: 1,
  resnet32: 1.65,
  resnet44: 2.3,
  resnet56: 3,
  resnet110: 6,
};

export interface Estimate {
  train: number;
  eval: number;
  data: number;
  warmup: number;
  total: number;
}

/**
 * Seconds for `config`: its steps at the sample's speed (scaled per image when the batch differs
 * from the probe's), a validation pass per epoch (padded to whole batches, as the engine does),
 * the warm-up, and `dataSeconds` still to load.
 */
export function estimateRun(
  config: TrainConfig,
  s: Pick<SpeedSample, 'batch' | 'secondsPerStep' | 'evalSecondsPerImage' | 'warmupSeconds'>,
  opts: { dataSeconds?: number; evalsPerEpoch?: number } = {},
): Estimate {
  const { totalSteps } = runSteps(config);
  const perStep = (s.secondsPerStep * config.batchSize) / s.batch;
  const evalImages = Math.ceil(config.valSize / config.batchSize) * config.batchSize;
  const evals = config.epochs * (opts.evalsPerEpoch ?? 1);
  const train = totalSteps * perStep;
  const evalSec = evals * evalImages * s.evalSecondsPerImage;
  const data = Math.max(0, opts.dataSeconds ?? 0);
  const warmup = s.warmupSeconds;
  return { train, eval: evalSec, data, warmup, total: train + evalSec + data + warmup };
}

/** A sample for `model` from one of another model on the same backend, scaled by MODEL_COST. */
export function extrapolate(from: SpeedSample, model: ModelName): SpeedSample {
  const r = MODEL_COST[model] / MODEL_COST[from.model];
  return {
    ...from,
    model,
    secondsPerStep: from.secondsPerStep * r,
    evalSecondsPerImage: from.evalSecondsPerImage * r,
    warmupSeconds: from.warmupSeconds * Math.max(1, r),
  };
}

/** "about 40 s", "about 3 min", "about 2 h 10 min", "about 4 days 13 h": never a raw h:mm:ss. */
export function formatAbout(seconds: number | null | undefined): string {
  if (seconds == null || !Number.isFinite(seconds) || seconds < 0) return '—';
  if (seconds < 55) return `about ${Math.max(5, Math.round(seconds / 5) * 5)} s`;
  if (seconds < 3570) return `about ${Math.max(1, Math.round(seconds / 60))} min`;
  // Above an hour, five-minute steps: the measurement is not finer than that.
  const minutes = Math.round(seconds / 300) * 5;
  const h = Math.floor(minutes / 60);
  const m = minutes % 60;
  if (h < 48) return m ? `about ${h} h ${m} min` : `about ${h} h`;
  const hours = Math.round(seconds / 3600);
  const d = Math.floor(hours / 24);
  const rh = hours % 24;
  return rh ? `about ${d} days ${rh} h` : `about ${d} days`;
}

/** The ETA while running: words, with a "left" so it never reads like a clock time. */
export function formatLeft(seconds: number | null | undefined): string {
  const about = formatAbout(seconds);
  return about === '—' ? about : `${about} left`;
}
