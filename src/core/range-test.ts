/**
 * The LR range test, as pure functions: the LR sweep (Smith's linear one, or the exponential one
 * of fastai and pytorch-lr-finder), loss smoothing with a divergence stop, and the LR bounds users
 * know how to read off the curve: Smith's maximum bound, fastai's valley, the steepest descent,
 * and the minimum ÷ 10.
 */
import type { TrainConfig } from './config';
import { EmaSmoother } from './smooth';

export const RANGE_MODES = ['linear', 'exp'] as const;
export type RangeMode = (typeof RANGE_MODES)[number];

export interface RangeSpec {
  mode: RangeMode;
  /** First LR of the sweep (> 0). */
  start: number;
  /** Last LR of the sweep (> start). */
  end: number;
  /** Iterations in the sweep. */
  steps: number;
}

/** pytorch-lr-finder's smoothing (smooth_f 0.05): lags less than fastai's 0.98 over ~100 steps. */
export const RANGE_BETA = 0.95;

/** fastai and Smith stop once the smoothed loss exceeds this multiple of its best so far. */
export const DIVERGE_FACTOR = 4;

/** Most validation images per pass: enough to rank LRs, cheap enough to repeat ~10 times. */
export const RANGE_VAL_IMAGES = 512;

/** Iterations between validation passes: about ten readings of the curves per sweep. */
export function rangeEvalEvery(steps: number): number {
  return Math.max(1, Math.round(steps / 10));
}

/** Validation passes in a sweep of `steps` iterations run to the end (every k-th, and the last). */
export function rangeEvalCount(steps: number): number {
  if (!(steps >= 1)) return 0;
  const every = rangeEvalEvery(steps);
  return Math.floor(steps / every) + (steps % every === 0 ? 0 : 1);
}

/** The LR of iteration i (0-based): the sweep hits `start` at i = 0 and `end` at i = steps − 1. */
export function rangeLr(i: number, spec: RangeSpec): number {
  const p = spec.steps <= 1 ? 0 : Math.min(1, Math.max(0, i / (spec.steps - 1)));
  if (spec.mode === 'linear') return spec.start + (spec.end - spec.start) * p;
  return spec.start * (spec.end / spec.start) ** p;
}

/** Why a sweep cannot run, or [] when it can. */
export function rangeSpecErrors(spec: RangeSpec): string[] {
  const errors: string[] = [];
  if (!(spec.start > 0) || !(spec.end > 0)) errors.push('Range start and end must be positive');
  else if (!(spec.start < spec.end)) errors.push('Range start must be below range end');
  if (!(Number.isInteger(spec.steps) && spec.steps >= 2))
    errors.push('The range test needs at least 2 iterations');
  return errors;
}

/** The sweep a configuration asks for (URL keys rangeMode, rangeStart, rangeEnd, rangeSteps). */
export function rangeSpecOf(
  c: Pick<TrainConfig, 'rangeMode' | 'rangeStart' | 'rangeEnd' | 'rangeSteps'>,
): RangeSpec {
  return { mode: c.rangeMode, start: c.rangeStart, end: c.rangeEnd, steps: c.rangeSteps };
}

/** What blocks a range test with this configuration, each on the control it concerns. */
export function rangeConfigErrors(c: TrainConfig): { key: keyof TrainConfig; message: string }[] {
  const errors: { key: keyof TrainConfig; message: string }[] = [];
  for (const message of rangeSpecErrors(rangeSpecOf(c)))
    errors.push({ key: /iterations/.test(message) ? 'rangeSteps' : 'rangeStart', message });
  if (c.batchSize > c.trainSize)
    errors.push({ key: 'batchSize', message: 'Batch size exceeds the training images' });
  return errors;
}

/**
 * Smooths the training loss as it arrives and watches for divergence: a non-finite loss, or the
 * smoothed loss above DIVERGE_FACTOR × its best so far.
 */
export class RangeTracker {
  private readonly smoother: EmaSmoother;
  private best = Infinity;

  constructor(beta: number = RANGE_BETA) {
    this.smoother = new EmaSmoother(beta);
  }

  /** Adds one raw loss; returns its smoothed value and whether the run has now diverged. */
  push(loss: number): { smooth: number; diverged: boolean } {
    if (!Number.isFinite(loss)) return { smooth: NaN, diverged: true };
    const smooth = this.smoother.push(loss);
    if (smooth < this.best) this.best = smooth;
    return { smooth, diverged: smooth > DIVERGE_FACTOR * this.best };
  }
}

/** One training iteration of the sweep. */
export interface RangeTrainSample {
  lr: number;
  loss: number;
}

/** One periodic evaluation on the fixed validation subset. */
export interface RangeValSample {
  lr: number;
  loss: number;
  /** Top-1 accuracy as a fraction. */
  top1: number;
}

export type SuggestionId = 'smith' | 'valley' | 'steepest' | 'minimum';

export interface LrSuggestion {
  id: SuggestionId;
  /** Short marker label for the chart. */
  label: string;
  /** The suggested maximum LR. */
  lr: number;
  /** The rule in one sentence, for the page. */
  rule: string;
}

export interface RangeAnalysis {
  /** Smoothed training loss per sample, cut at the divergence point (exclusive). */
  smooth: number[];
  /** Index of the sample where the run diverged, or null. */
  divergedIndex: number | null;
  /** LR at divergence, or null. */
  divergedLr: number | null;
  /** In marker order; empty when there are too few points to read. */
  suggestions: LrSuggestion[];
}

export const MIN_BOUND_RULE =
  'Minimum bound: about the maximum ÷ 3–4 for cyclical LR, or ÷ 10–20 for 1cycle (Smith).';

/** Fewest usable training points before the curve is read at all. */
const MIN_POINTS = 4;

/**
 * Reads a sweep: smooths the training loss (beta 0 disables smoothing), cuts it where it
 * diverged, and suggests maximum LRs. Validation points after the divergence are ignored.
 */
export function analyzeRange(
  train: readonly RangeTrainSample[],
  val: readonly RangeValSample[] = [],
  beta: number = RANGE_BETA,
): RangeAnalysis {
  const tracker = new RangeTracker(beta);
  const smooth: number[] = [];
  let divergedIndex: number | null = null;
  for (const [i, p] of train.entries()) {
    const r = tracker.push(p.loss);
    if (r.diverged) {
      divergedIndex = i;
      break;
    }
    smooth.push(r.smooth);
  }
  const divergedLr = divergedIndex === null ? null : train[divergedIndex]!.lr;
  const lrs = train.slice(0, smooth.length).map((p) => p.lr);
  const suggestions: LrSuggestion[] = [];
  if (smooth.length >= MIN_POINTS) {
    // fastai skips the first tenth: the first smoothed values are the noisiest.
    const skip = Math.floor(smooth.length / 10);
    const xs = lrs.slice(skip);
    const ys = smooth.slice(skip);
    const usableVal = val.filter(
      (v) => Number.isFinite(v.loss) && (divergedLr === null || v.lr < divergedLr),
    );
    suggestions.push(smithMaxBound(xs, ys, usableVal));
    suggestions.push({
      id: 'valley',
      label: 'valley',
      lr: xs[valleyIndex(ys)]!,
      rule: 'fastai’s valley: half-way along the longest stretch where the smoothed loss keeps falling.',
    });
    suggestions.push({
      id: 'steepest',
      label: 'steepest',
      lr: xs[steepestIndex(xs, ys)]!,
      rule: 'Steepest descent: where the smoothed loss falls fastest against log LR.',
    });
    suggestions.push({
      id: 'minimum',
      label: 'min ÷ 10',
      lr: xs[argMin(ys)]! / 10,
      rule: 'Minimum ÷ 10: a tenth of the LR at which the smoothed loss is lowest.',
    });
  }
  return { smooth, divergedIndex, divergedLr, suggestions };
}

/**
 * Smith's maximum bound: the LR where validation accuracy stops improving; if accuracy never
 * moves, where validation loss is lowest; with no validation points, the training loss minimum.
 */
function smithMaxBound(
  lrs: readonly number[],
  smooth: readonly number[],
  val: readonly RangeValSample[],
): LrSuggestion {
  const base = { id: 'smith' as const, label: 'Smith max' };
  if (val.length > 0) {
    const accs = val.map((v) => v.top1);
    if (Math.max(...accs) > accs[0]!) {
      return {
        ...base,
        lr: val[argMax(accs)]!.lr,
        rule: 'Smith’s maximum bound: the LR at which validation accuracy stops improving.',
      };
    }
    return {
      ...base,
      lr: val[argMin(val.map((v) => v.loss))]!.lr,
      rule: 'Smith’s maximum bound: the LR at which validation loss stops falling.',
    };
  }
  return {
    ...base,
    lr: lrs[argMin(smooth)]!,
    rule: 'Smith’s maximum bound (no validation points): the LR at which training loss stops falling.',
  };
}

/**
 * fastai's valley: the longest strictly decreasing subsequence of the loss, then the index
 * fastai takes along it (start + ⌊len/3⌋ + ⌊len/6⌋, about half-way, before the floor).
 */
export function valleyIndex(losses: readonly number[]): number {
  const n = losses.length;
  if (n === 0) return 0;
  const lds = new Array<number>(n).fill(1);
  let end = 0;
  for (let i = 1; i < n; i++) {
    for (let j = 0; j < i; j++) {
      if (losses[i]! < losses[j]! && lds[i]! < lds[j]! + 1) lds[i] = lds[j]! + 1;
    }
    if (lds[i]! > lds[end]!) end = i;
  }
  const start = Math.max(0, end - lds[end]!);
  const third = (end - start) / 3;
  return Math.min(n - 1, start + Math.floor(third) + Math.floor(third / 2));
}

/** Index of the most negative slope d(loss)/d(log LR), by central differences at the inside points. */
export function steepestIndex(lrs: readonly number[], losses: readonly number[]): number {
  const n = losses.length;
  if (n < 2) return 0;
  const x = lrs.map((lr) => Math.log(lr));
  let best = 0;
  let bestGrad = Infinity;
  for (let i = 0; i < n; i++) {
    const a = Math.max(0, i - 1);
    const b = Math.min(n - 1, i + 1);
    const dx = x[b]! - x[a]!;
    if (!(dx > 0)) continue;
    const g = (losses[b]! - losses[a]!) / dx;
    if (g < bestGrad) {
      bestGrad = g;
      best = i;
    }
  }
  return best;
}

/** The suggestion the page offers as "the" maximum LR: Smith's bound (the lab follows Smith). */
export function primarySuggestion(suggestions: readonly LrSuggestion[]): LrSuggestion | null {
  return suggestions.find((s) => s.id === 'smith') ?? suggestions[0] ?? null;
}

/** 1cycle bounds from a maximum LR: Smith's minimum is the maximum ÷ 10 (÷ 10–20 works). */
export function oneCycleBounds(lrMax: number, divisor = 10): { lrMin: number; lrMax: number } {
  return { lrMin: lrMax / divisor, lrMax };
}

/** Cyclical-LR bounds from a maximum LR: the minimum is the maximum ÷ 3–4. */
export function cyclicalBounds(lrMax: number, divisor = 4): { lrMin: number; lrMax: number } {
  return { lrMin: lrMax / divisor, lrMax };
}

function argMin(values: readonly number[]): number {
  let best = 0;
  for (let i = 1; i < values.length; i++) if (values[i]! < values[best]!) best = i;
  return best;
}

function argMax(values: readonly number[]): number {
  let best = 0;
  for (let i = 1; i < values.length; i++) if (values[i]! > values[best]!) best = i;
  return best;
}
