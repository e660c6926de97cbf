/**
 * Sweeps: short runs that differ in one hyper-parameter only (same seed, so the same initial
 * weights and data order), and the rule that picks the best of them by early validation loss.
 */
import { SCHEMA, validateConfig, type SweepParam, type TrainConfig } from './config';
import { rangeConfigErrors } from './range-test';
import type { TrainPoint, ValPoint } from './run';

export { SWEEP_PARAMS, type SweepParam } from './config';

/** Smith's grids (Part I, Sections 4.3–4.5); batch sizes have no preset: the user lists them. */
export const SWEEP_PRESETS: Record<SweepParam, string> = {
  wd: '1e-3, 3e-4, 1e-4, 3e-5, 1e-5, 0',
  mom: '0.99-0.90, 0.95-0.85, 0.99, 0.9, 0.85',
  batch: '',
  rangeWd: '1e-3, 1e-4, 1e-5',
};

/** Smith's Fig. 4a: this sweep runs one LR range test per value instead of one training run. */
export function isRangeSweep(param: SweepParam): boolean {
  return param === 'rangeWd';
}

/** One value of a sweep; momentum holds a cyclic range (max ≠ min) or a constant (max = min). */
export type SweepValue =
  | { param: 'wd'; wd: number }
  | { param: 'mom'; max: number; min: number }
  | { param: 'batch'; batchSize: number };

export const MAX_SWEEP_VALUES = 12;

/** Reads a comma list; each bad entry is named, and an empty list is an error of its own. */
export function parseSweepValues(
  param: SweepParam,
  text: string,
): { values: SweepValue[]; errors: string[] } {
  const parts = text
    .split(',')
    .map((p) => p.trim())
    .filter((p) => p !== '');
  const values: SweepValue[] = [];
  const errors: string[] = [];
  if (parts.length === 0) errors.push('List at least one value to sweep');
  if (parts.length > MAX_SWEEP_VALUES)
    errors.push(`At most ${MAX_SWEEP_VALUES} values in one sweep (${parts.length} given)`);
  for (const part of parts.slice(0, MAX_SWEEP_VALUES)) {
    const v = parseOne(param, part);
    if (typeof v === 'string') errors.push(v);
    else if (values.some((w) => sweepLabel(w) === sweepLabel(v)))
      errors.push(`"${part}" is listed twice`);
    else values.push(v);
  }
  return { values, errors };
}

function num(s: string): number {
  return s.trim() === '' ? NaN : Number(s.trim());
}

function parseOne(param: SweepParam, part: string): SweepValue | string {
  const shown = part.length > 16 ? `${part.slice(0, 16)}…` : part;
  if (param === 'wd' || param === 'rangeWd') {
    const wd = num(part);
    if (!Number.isFinite(wd)) return `"${shown}" is not a number`;
    if (wd < SCHEMA.wd.min || wd > SCHEMA.wd.max)
      return `Weight decay ${shown} is outside ${SCHEMA.wd.min}–${SCHEMA.wd.max}`;
    return { param: 'wd', wd };
  }
  if (param === 'batch') {
    const b = num(part);
    if (!Number.isInteger(b)) return `Batch size "${shown}" is not a whole number`;
    if (b < SCHEMA.batchSize.min || b > SCHEMA.batchSize.max)
      return `Batch size ${b} is outside ${SCHEMA.batchSize.min}–${SCHEMA.batchSize.max}`;
    return { param, batchSize: b };
  }
  // Momentum: "0.95-0.85" (or with an en dash) is cyclic, max first; "0.9" is constant.
  const ends = part.split(/[-–]/);
  if (ends.length > 2) return `Momentum "${shown}" is not a value or a max-min range`;
  const max = num(ends[0] ?? '');
  const min = ends.length === 2 ? num(ends[1] ?? '') : max;
  if (!Number.isFinite(max) || !Number.isFinite(min))
    return `Momentum "${shown}" is not a value or a max-min range`;
  if (max < 0 || max >= 1 || min < 0 || min >= 1)
    return `Momentum ${shown} must be at least 0 and below 1`;
  if (min > max) return `Momentum range ${shown}: write the maximum first`;
  return { param, max, min };
}

/** How a value is shown in the legend and the list. */
export function sweepLabel(v: SweepValue): string {
  switch (v.param) {
    case 'wd':
      return `WD ${v.wd}`;
    case 'batch':
      return `Batch ${v.batchSize}`;
    case 'mom':
      return v.max === v.min ? `Momentum ${v.max}` : `Momentum ${v.max}–${v.min}`;
  }
}

/** The base settings with one value swapped in; everything else (seed included) stays. */
export function applySweepValue(base: TrainConfig, v: SweepValue): TrainConfig {
  switch (v.param) {
    case 'wd':
      return { ...base, wd: v.wd };
    case 'batch':
      return { ...base, batchSize: v.batchSize };
    case 'mom':
      return v.max === v.min
        ? { ...base, momSchedule: 'constant', momMax: v.max, momMin: Math.min(base.momMin, v.max) }
        : { ...base, momSchedule: 'cyclic', momMax: v.max, momMin: v.min };
  }
}

/**
 * The setting a sweep run `ran` with (its config; `sweepParam` names what was swept), as the
 * words of a "Use …" button and the patch that carries it into the settings.
 */
export function sweptSetting(ran: TrainConfig): { text: string; patch: Partial<TrainConfig> } {
  switch (ran.sweepParam) {
    case 'wd':
    case 'rangeWd':
      return { text: `weight decay ${ran.wd}`, patch: { wd: ran.wd } };
    case 'batch':
      return { text: `batch size ${ran.batchSize}`, patch: { batchSize: ran.batchSize } };
    case 'mom': {
      const { momSchedule, momMax, momMin } = ran;
      const shown = momSchedule === 'constant' ? `${momMax}` : `${momMax}–${momMin}`;
      return { text: `momentum ${shown}`, patch: { momSchedule, momMax, momMin } };
    }
  }
}

/** Why a sweep cannot start: bad list entries, then any value that makes the settings invalid. */
export function sweepErrors(base: TrainConfig, param: SweepParam, text: string): string[] {
  const { values, errors } = parseSweepValues(param, text);
  for (const v of values) {
    // A range test needs only its sweep and a whole batch; a run needs every training setting.
    const config = applySweepValue(base, v);
    const found = isRangeSweep(param) ? rangeConfigErrors(config) : validateConfig(config);
    for (const e of found) errors.push(`${sweepLabel(v)}: ${e.message}`);
  }
  return [...new Set(errors)];
}

/** The share of each run whose first validation loss after it ranks the runs. */
export const EARLY_FRACTION = 0.25;

export const BEST_RULE =
  'Best = lowest validation loss at the first evaluation after the first 25% of each run. ' +
  'Smith reads the early validation loss, so a few short runs replace a full grid search.';

/** A run's early validation loss: at its first evaluation at or after `fraction` of its steps. */
export function earlyValLoss(
  val: readonly ValPoint[],
  totalSteps: number,
  fraction = EARLY_FRACTION,
): number | null {
  const at = fraction * totalSteps;
  const p = val.find((v) => v.step >= at - 1e-9);
  return p && Number.isFinite(p.loss) ? p.loss : null;
}

/** Index of the run with the lowest early validation loss (first on ties); null if none has one. */
export function bestRunIndex(
  runs: readonly { val: readonly ValPoint[]; totalSteps: number }[],
  fraction = EARLY_FRACTION,
): number | null {
  let best: number | null = null;
  let bestLoss = Infinity;
  runs.forEach((r, i) => {
    const loss = earlyValLoss(r.val, r.totalSteps, fraction);
    if (loss !== null && loss < bestLoss) {
      best = i;
      bestLoss = loss;
    }
  });
  return best;
}

/**
 * Early losses closer than this (relative) are a tie: a different seed moves a tiny run's loss
 * by more, so declaring a best would be noise (two runs at 2.3026 and 2.3027 are not a finding).
 */
export const TIE_TOLERANCE = 1e-3;

/** The best run by BEST_RULE, or the runs tied for it (then no best); null while none has one. */
export function sweepVerdict(
  runs: readonly { val: readonly ValPoint[]; totalSteps: number }[],
  fraction = EARLY_FRACTION,
): { best: number; tied: null } | { best: null; tied: number[] } | null {
  const losses = runs.map((r) => earlyValLoss(r.val, r.totalSteps, fraction));
  const best = bestRunIndex(runs, fraction);
  if (best === null) return null;
  const low = losses[best]!;
  const tied = losses.flatMap((l, i) =>
    l !== null && Math.abs(l - low) <= TIE_TOLERANCE * Math.abs(low) ? [i] : [],
  );
  return tied.length > 1 ? { best: null, tied } : { best, tied: null };
}

/** Fewest validation points a sweep run gets, so its early validation loss means something. */
export const MIN_SWEEP_EVALS = 4;

/**
 * Validation passes per epoch for a sweep run of `epochs` epochs: enough for MIN_SWEEP_EVALS in
 * all (a 1-epoch run evaluates 4 times, not once); the engine caps it at one per iteration.
 */
export function sweepEvalsPerEpoch(epochs: number, minEvals = MIN_SWEEP_EVALS): number {
  return Math.max(1, Math.ceil(minEvals / Math.max(1, Math.floor(epochs))));
}

export const RANGE_BEST_RULE =
  'Best = the weight decay whose validation loss falls lowest before its range test diverges ' +
  '(Smith, Part I, Fig. 4a). The tests share seed, initial weights and data order, so the ' +
  'curves differ only by the weight decay; read the LR bounds off the best one.';

/** What a finished range test leaves for the comparison: its evaluations and where it diverged. */
export interface RangeCurve {
  val: readonly Pick<ValPoint, 'loss' | 'lr'>[];
  /** LR where the smoothed loss diverged, or null if it swept to the end. */
  divergedAt: number | null;
}

/** The lowest validation loss of a range test before it diverged, and its LR; null if none. */
export function rangeLowest(curve: RangeCurve): { loss: number; lr: number } | null {
  let best: { loss: number; lr: number } | null = null;
  for (const p of curve.val) {
    if (p.lr === undefined || !Number.isFinite(p.loss)) continue;
    if (curve.divergedAt !== null && p.lr >= curve.divergedAt) continue;
    if (best === null || p.loss < best.loss) best = { loss: p.loss, lr: p.lr };
  }
  return best;
}

/**
 * Index of the best range test by RANGE_BEST_RULE: the lowest validation loss before divergence;
 * on a tie, the one that diverged later (or never). Null when none has a usable evaluation.
 */
export function bestRangeIndex(curves: readonly RangeCurve[]): number | null {
  let best: number | null = null;
  let bestLoss = Infinity;
  let bestReach = -Infinity;
  curves.forEach((c, i) => {
    const low = rangeLowest(c);
    if (low === null) return;
    const reach = c.divergedAt ?? Infinity;
    if (
      low.loss < bestLoss - 1e-12 ||
      (Math.abs(low.loss - bestLoss) <= 1e-12 && reach > bestReach)
    ) {
      best = i;
      bestLoss = low.loss;
      bestReach = reach;
    }
  });
  return best;
}

/** One moment of a run's wall clock: the last step done and the seconds since its start. */
export interface ClockStamp {
  step: number;
  sec: number;
}

/**
 * Seconds at `step`, read off the run's clock stamps (sorted by step) by linear interpolation
 * from (0, 0); past the last stamp the last pace continues. Null with no stamps.
 */
export function secondsAt(stamps: readonly ClockStamp[], step: number): number | null {
  const last = stamps.at(-1);
  if (!last || last.step <= 0) return null;
  let prev: ClockStamp = { step: 0, sec: 0 };
  for (const s of stamps) {
    if (s.step >= step) {
      if (s.step === prev.step) return s.sec;
      return prev.sec + ((s.sec - prev.sec) * (step - prev.step)) / (s.step - prev.step);
    }
    prev = s;
  }
  return (last.sec * step) / last.step;
}

/** The x axis of a comparison chart. */
export const X_AXES = ['steps', 'epochs', 'seconds'] as const;
export type XAxisKind = (typeof X_AXES)[number];

/** Where a point goes on the chosen axis; null when its time is not known yet. */
export function xOf(
  kind: XAxisKind,
  step: number,
  stepsPerEpoch: number,
  stamps: readonly ClockStamp[],
): number | null {
  if (kind === 'steps') return step;
  if (kind === 'epochs') return stepsPerEpoch > 0 ? step / stepsPerEpoch : null;
  return secondsAt(stamps, step);
}

/** Training points in a run's curve, kept whole here; charts thin them for drawing. */
export type SweepCurves = { train: TrainPoint[]; val: ValPoint[] };
