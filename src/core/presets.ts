/**
 * Budget presets: the model, subset, epochs and batch that fit a time budget at this machine's
 * measured speed, so the first run ends when the user expects it to.
 */
import type { ModelName, TrainConfig } from './config';
import {
  dataLoadSeconds,
  estimateRun,
  extrapolate,
  imagesToLoad,
  type SpeedSample,
} from './estimate';
import { MODEL_DEFAULTS } from './model-defaults';

export const BUDGET_PRESETS = ['2', '5', '15', '45', 'demo'] as const;
export type BudgetPreset = (typeof BUDGET_PRESETS)[number];

/** What a first visit without a link trains: about three minutes here. */
export const FIRST_VISIT_SECONDS = 180;
/** The class demo: both demo runs (1cycle, multistep) in about this long, one lesson's slot. */
export const CLASS_DEMO_SECONDS = 20 * 60;

export interface PresetPlan {
  /** The settings to apply over the current ones. */
  config: Partial<TrainConfig>;
  /** Estimated seconds of one run (both runs for the class demo). */
  seconds: number;
  /** Why this configuration, in a sentence the page shows. */
  note: string;
}

/**
 * Largest first, each with the least work that still teaches something with it: ResNets need
 * thousands of images to get past the first plateau; the shallow net learns from a few hundred.
 */
const LADDER: { model: ModelName; minTrain: number }[] = [
  { model: 'resnet56', minTrain: 20_000 },
  { model: 'resnet20', minTrain: 5_000 },
  { model: 'shallow3', minTrain: 256 },
];

/** Epochs by budget: longer budgets buy epochs before data, up to where 1cycle's shape shows. */
function epochsFor(seconds: number): number {
  if (seconds <= 200) return 2;
  if (seconds <= 400) return 3;
  if (seconds <= 1000) return 5;
  return 8;
}

/** Batch: large for throughput, small enough for ≥ 16 steps an epoch (the schedule needs steps). */
function batchFor(trainSize: number): number {
  for (const b of [128, 64, 32, 16]) if (trainSize / b >= 16) return b;
  return 16;
}

/**
 * Fits `seconds` with the speeds known (`speeds`, any models on one backend; unmeasured models
 * are extrapolated from the first one). Returns null without any speed.
 */
export function fitBudget(
  seconds: number,
  speeds: readonly SpeedSample[],
  opts: { runs?: number; ladder?: readonly ModelName[] } = {},
): PresetPlan | null {
  const base = speeds[0];
  if (!base) return null;
  const runs = opts.runs ?? 1;
  const perRun = seconds / runs;
  const epochs = epochsFor(perRun);
  const ladder = LADDER.filter((r) => !opts.ladder || opts.ladder.includes(r.model));
  for (const [i, rung] of ladder.entries()) {
    const speed = speeds.find((s) => s.model === rung.model) ?? extrapolate(base, rung.model);
    const last = i === ladder.length - 1;
    const plan = fitModel(rung.model, perRun, epochs, speed, last);
    if (plan && (plan.trainSize >= rung.minTrain || last)) {
      const config: Partial<TrainConfig> = {
        model: rung.model,
        trainSize: plan.trainSize,
        valSize: plan.valSize,
        batchSize: plan.batch,
        epochs: plan.epochs,
        schedule: 'onecycle',
        ...MODEL_DEFAULTS[rung.model],
      };
      const measured = speed === base || speeds.includes(speed) ? 'measured' : 'extrapolated';
      return {
        config,
        seconds: plan.seconds * runs,
        note: `${rung.model}, ${plan.trainSize} images × ${plan.epochs} epochs, batch ${plan.batch} (speed ${measured} on this machine)`,
      };
    }
  }
  return null;
}

/** A preset never asks for more epochs than Smith's short CIFAR runs. */
const MAX_EPOCHS = 30;

interface ModelFit {
  epochs: number;
  trainSize: number;
  valSize: number;
  batch: number;
  seconds: number;
}

/**
 * The largest subset (a multiple of the batch, validation a quarter of it) within `seconds`,
 * loading its shards included: the budget pays for them as if none were loaded yet (~1.5 s per
 * 10,000 images at the assumed rate), so a fresh page's estimate stays within it.
 */
function fitModel(
  model: ModelName,
  seconds: number,
  epochs: number,
  s: SpeedSample,
  smallest = false,
): ModelFit | null {
  const withLoad = (f: ModelFit | null): ModelFit | null =>
    f && { ...f, seconds: f.seconds + dataLoadSeconds(imagesToLoad(f, 0)) };
  const first = withLoad(fitCompute(model, seconds - s.warmupSeconds, epochs, s, smallest));
  if (!first || first.seconds <= seconds) return first;
  const load = dataLoadSeconds(imagesToLoad(first, 0));
  return withLoad(fitCompute(model, seconds - s.warmupSeconds - load, epochs, s, smallest));
}

/** fitModel's subset for `usable` seconds of steps and validation (warm-up and loading apart). */
function fitCompute(
  model: ModelName,
  usable: number,
  epochs: number,
  s: SpeedSample,
  smallest: boolean,
): ModelFit | null {
  const perImage = s.secondsPerStep / s.batch;
  // Training images n, validation n/4: epochs × (n·perImage + n/4·eval) = usable.
  const n0 = Math.max(0, usable) / (epochs * (perImage + s.evalSecondsPerImage / 4));
  let trainSize = Math.min(50_000, Math.floor(n0));
  const batch = batchFor(trainSize);
  trainSize = Math.floor(trainSize / batch) * batch;
  if (trainSize < batch * 4) {
    // Nothing fits: the smallest run that still has a schedule, and the estimate says how long.
    if (!smallest) return null;
    const tiny = { model, trainSize: 64, valSize: 16, batchSize: 16, epochs: 1 } as TrainConfig;
    return {
      trainSize: 64,
      valSize: 16,
      batch: 16,
      epochs: 1,
      seconds: estimateRun(tiny, s).total,
    };
  }
  const valSize = Math.max(16, Math.min(10_000, Math.floor(trainSize / 4 / batch) * batch || 16));
  const full = { model, trainSize, valSize, batchSize: batch, epochs } as TrainConfig;
  // All 50,000 images and time left over: the budget buys epochs instead.
  const perEpoch = (estimateRun(full, s).total - s.warmupSeconds) / epochs;
  full.epochs = Math.max(epochs, Math.min(MAX_EPOCHS, Math.floor(usable / perEpoch)));
  return { trainSize, valSize, batch, epochs: full.epochs, seconds: estimateRun(full, s).total };
}

/** The preset's plan, or null while no speed is known. */
export function planPreset(
  preset: BudgetPreset,
  speeds: readonly SpeedSample[],
): PresetPlan | null {
  if (preset !== 'demo') return fitBudget(Number(preset) * 60, speeds);
  const plan = fitBudget(CLASS_DEMO_SECONDS, speeds, { runs: 2 });
  if (!plan) return null;
  return {
    config: { ...plan.config, mode: 'demo', demoBudget: '20' },
    seconds: plan.seconds,
    note:
      `Class demo: 1cycle against multistep, about 20 minutes for both runs. ${plan.note}. ` +
      `This is the largest setting that fits, chosen so each run has enough epochs for multistep's ` +
      `LR drops to come after 1cycle's peak: 1cycle's lower validation loss is expected to show, ` +
      `not guaranteed on a subset this small.`,
  };
}
