/**
 * How long a run takes here, before Start: a measured seconds-per-step for the model, backend and
 * batch (a few warm steps in the worker), cached, and the run's steps, evaluations and data load.
 */
import type { BackendChoice, BackendName, ModelName, TrainConfig } from './config';
import { runSteps } from './config';
import { PIXELS_PER_IMAGE, SHARD_IMAGES } from './dataset';
import { RANGE_VAL_IMAGES, rangeEvalCount } from './range-test';

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
  s: SpeedFigures,
  opts: { dataSeconds?: number; evalsPerEpoch?: number } = {},
): Estimate {
  const evals = config.epochs * (opts.evalsPerEpoch ?? 1);
  return compose(config, s, runSteps(config).totalSteps, evals, config.valSize, opts.dataSeconds);
}

/** What an estimate reads of a speed sample. */
export type SpeedFigures = Pick<
  SpeedSample,
  'batch' | 'secondsPerStep' | 'evalSecondsPerImage' | 'warmupSeconds'
>;

function compose(
  config: TrainConfig,
  s: SpeedFigures,
  steps: number,
  evals: number,
  valImages: number,
  dataSeconds = 0,
): Estimate {
  const perStep = (s.secondsPerStep * config.batchSize) / s.batch;
  // The engine evaluates whole batches: the last one is padded.
  const evalImages = Math.ceil(valImages / config.batchSize) * config.batchSize;
  const train = steps * perStep;
  const evalSec = evals * evalImages * s.evalSecondsPerImage;
  const data = Math.max(0, dataSeconds);
  const warmup = s.warmupSeconds;
  return { train, eval: evalSec, data, warmup, total: train + evalSec + data + warmup };
}

/**
 * Seconds for an LR range test of `steps` iterations: it runs them all unless it diverges first
 * (so this is an upper bound), validating a subset of at most RANGE_VAL_IMAGES about ten times.
 */
export function estimateRangeTest(
  config: TrainConfig,
  steps: number,
  s: SpeedFigures,
  opts: { dataSeconds?: number } = {},
): Estimate {
  const valImages = Math.min(config.valSize, RANGE_VAL_IMAGES);
  return compose(config, s, steps, rangeEvalCount(steps), valImages, opts.dataSeconds);
}

/** One run a mode starts: a training run, or an LR range test when `rangeSteps` is given. */
export interface PlannedRun {
  config: TrainConfig;
  rangeSteps?: number;
  /** Validation passes per epoch (sweeps evaluate more often than once). */
  evalsPerEpoch?: number;
}

/** Bytes a shard holds per image: its label byte and its pixels. */
export const SHARD_BYTES_PER_IMAGE = 1 + PIXELS_PER_IMAGE;

/**
 * Shard download, SHA-256 check and decode assumed before any has been timed: ~20 MB/s, a
 * 15 MB shard in under a second from a nearby server or the browser cache, several seconds over
 * a slow link.
 */
export const ASSUMED_LOAD_BYTES_PER_SECOND = 20e6;

/**
 * Images a run still needs loaded: its training and validation subsets, each rounded up to whole
 * shards (the worker loads a split's shards in order, at least one each), less those loaded.
 * `loaded` counts both splits together, as the worker reports them.
 */
export function imagesToLoad(
  c: Pick<TrainConfig, 'trainSize' | 'valSize'>,
  loaded: number,
  shardImages = SHARD_IMAGES,
): number {
  const whole = (n: number) => Math.max(1, Math.ceil(n / shardImages)) * shardImages;
  return Math.max(0, whole(c.trainSize) + whole(c.valSize) - Math.max(0, loaded));
}

/** One progress report of a load: when (ms) and how many images were loaded then. */
export interface LoadReport {
  ms: number;
  loaded: number;
}

/**
 * Bytes per second between two reports of one uninterrupted load, or null when they say nothing
 * (no images in between, or too little time to time).
 */
export function measuredLoadRate(a: LoadReport, b: LoadReport): number | null {
  const seconds = (b.ms - a.ms) / 1000;
  const images = b.loaded - a.loaded;
  return seconds >= 0.05 && images > 0 ? (images * SHARD_BYTES_PER_IMAGE) / seconds : null;
}

/** Seconds to load `images` more images at `bytesPerSecond`. */
export function dataLoadSeconds(
  images: number,
  bytesPerSecond = ASSUMED_LOAD_BYTES_PER_SECOND,
): number {
  if (!(images > 0) || !(bytesPerSecond > 0)) return 0;
  return (images * SHARD_BYTES_PER_IMAGE) / bytesPerSecond;
}

/**
 * Seconds for every run a mode starts, one after the other (a sweep, the demo's two runs): their
 * steps and validations summed; the data they need loaded once (runs share the worker's shards);
 * a warm-up once per model and batch (the worker keeps compiled shaders between runs). Null when
 * any run has no speed to go by.
 */
export function estimatePlan(
  runs: readonly PlannedRun[],
  speedOf: (c: TrainConfig) => SpeedFigures | null,
  opts: { loadedImages?: number; bytesPerSecond?: number } = {},
): Estimate | null {
  const sum: Estimate = { train: 0, eval: 0, data: 0, warmup: 0, total: 0 };
  const warmed = new Set<string>();
  let need = 0;
  for (const r of runs) {
    const s = speedOf(r.config);
    if (!s) return null;
    const e =
      r.rangeSteps !== undefined
        ? estimateRangeTest(r.config, r.rangeSteps, s)
        : estimateRun(r.config, s, r.evalsPerEpoch ? { evalsPerEpoch: r.evalsPerEpoch } : {});
    const key = `${r.config.model}/${r.config.batchSize}`;
    const warmup = warmed.has(key) ? 0 : e.warmup;
    warmed.add(key);
    sum.train += e.train;
    sum.eval += e.eval;
    sum.warmup += warmup;
    need = Math.max(need, imagesToLoad(r.config, opts.loadedImages ?? 0));
  }
  if (runs.length === 0) return null;
  sum.data = dataLoadSeconds(need, opts.bytesPerSecond);
  sum.total = sum.train + sum.eval + sum.warmup + sum.data;
  return sum;
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
