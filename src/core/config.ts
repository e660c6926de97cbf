/**
 * The training configuration: one schema that the URL codec, the controls and the worker share.
 * Every key is declared once with its type, range and default, so a new key cannot skip
 * validation (the lesson of TF Playground's PROPS table, without its unchecked `+value`).
 */
import { RANGE_MODES, type RangeMode } from './range-test';

export const MODELS = [
  'resnet20',
  'resnet32',
  'resnet44',
  'resnet56',
  'resnet110',
  'shallow3',
] as const;
export type ModelName = (typeof MODELS)[number];

export const DATASETS = ['cifar10', 'cifar100'] as const;
export type DatasetName = (typeof DATASETS)[number];

export const BACKEND_CHOICES = ['auto', 'webgpu', 'webgl', 'cpu'] as const;
export type BackendChoice = (typeof BACKEND_CHOICES)[number];
export type BackendName = Exclude<BackendChoice, 'auto'>;

/** The lab's instruments, one per page mode (URL key `mode`). */
export const LAB_MODES = ['train', 'range', 'sweep', 'demo', 'recipe'] as const;
export type LabMode = (typeof LAB_MODES)[number];

export const AUGMENT_CHOICES = ['on', 'off'] as const;
export type AugmentChoice = (typeof AUGMENT_CHOICES)[number];

/** Learning-rate schedules; see src/core/schedules for each one's formula. */
export const SCHEDULES = [
  'onecycle',
  'onecycle-cos',
  'clr-triangular',
  'clr-triangular2',
  'clr-exp-range',
  'multistep',
  'constant',
] as const;
export type ScheduleName = (typeof SCHEDULES)[number];

export const MOM_SCHEDULES = ['cyclic', 'constant'] as const;
export type MomScheduleName = (typeof MOM_SCHEDULES)[number];

export const THREE_PHASE_CHOICES = ['off', 'on'] as const;
export type ThreePhaseChoice = (typeof THREE_PHASE_CHOICES)[number];

/**
 * What a sweep varies: weight decay, momentum (cyclic range or constant) or batch size; or
 * `rangeWd`, one LR range test per weight decay, overlaid (Smith's Fig. 4a).
 */
export const SWEEP_PARAMS = ['wd', 'mom', 'batch', 'rangeWd'] as const;
export type SweepParam = (typeof SWEEP_PARAMS)[number];

/** The super-convergence demo's budget: minutes for both runs, or one epoch each ('tiny'). */
export const DEMO_BUDGETS = ['tiny', '5', '10', '20'] as const;
export type DemoBudget = (typeof DEMO_BUDGETS)[number];

export interface TrainConfig {
  model: ModelName;
  dataset: DatasetName;
  /** Training images used (a prefix of the shuffled training set, for quick demos). */
  trainSize: number;
  /** Validation images used (a prefix of the test set). */
  valSize: number;
  batchSize: number;
  epochs: number;
  lrMin: number;
  lrMax: number;
  /** Momentum while the learning rate is low (start and end of 1cycle). */
  momMax: number;
  /** Momentum at the learning-rate peak. */
  momMin: number;
  schedule: ScheduleName;
  /** Cyclical LR: iterations of one half cycle, in epochs (fractions allowed). */
  stepSize: number;
  /** Cyclical LR exp_range: the amplitude is multiplied by this every iteration. */
  clrGamma: number;
  /** Cosine 1cycle: share of the run spent raising the LR (PyTorch's pct_start). */
  pctStart: number;
  /** Cosine 1cycle: the run ends at LR min / finalDiv (PyTorch's final_div_factor). */
  finalDiv: number;
  /** Cosine 1cycle: rise, mirror-image fall, then a third phase down to the final LR. */
  threePhase: ThreePhaseChoice;
  /** Multistep: the LR is divided by this at each drop. */
  dropFactor: number;
  /** Multistep: the drops, each as a percentage of the run (100 = never). */
  dropAt1: number;
  dropAt2: number;
  /** Cyclic: momentum moves opposite to the LR between momMax and momMin; constant: momMax. */
  momSchedule: MomScheduleName;
  /** L2 weight decay, added to the gradient as in Smith's Caffe runs. */
  wd: number;
  seed: number;
  backend: BackendChoice;
  /** Random crop + flip of training images; 'off' lets a tiny subset overfit quickly. */
  augment: AugmentChoice;
  /** Which instrument the page shows; only 'train' and 'range' run so far. */
  mode: LabMode;
  /** LR range test: Smith's linear sweep or the exponential one of fastai / pytorch-lr-finder. */
  rangeMode: RangeMode;
  /** LR range test: first and last LR of the sweep. */
  rangeStart: number;
  rangeEnd: number;
  /** LR range test: iterations in the sweep. */
  rangeSteps: number;
  /** Sweeps: the hyper-parameter varied (its values travel as `sweepValues`, see link.ts). */
  sweepParam: SweepParam;
  /** Super-convergence demo: the time budget for both runs. */
  demoBudget: DemoBudget;
  /** Guided recipe: the step shown (1 range test … 5 final 1cycle run). */
  recipeStep: number;
}

interface NumberField {
  kind: 'number';
  min: number;
  max: number;
  default: number;
  /** Integers are rounded after parsing. */
  integer?: boolean;
  /** Log-scale sliders for quantities that span decades (learning rate, weight decay). */
  log?: boolean;
  label: string;
  unit?: string;
}

interface EnumField<T extends string> {
  kind: 'enum';
  values: readonly T[];
  default: T;
  label: string;
}

type FieldFor<V> = [V] extends [string] ? EnumField<V> : NumberField;
export type Schema = { [K in keyof TrainConfig]: FieldFor<TrainConfig[K]> };

export const SCHEMA: Schema = {
  model: { kind: 'enum', values: MODELS, default: 'resnet56', label: 'Model' },
  dataset: { kind: 'enum', values: DATASETS, default: 'cifar10', label: 'Dataset' },
  trainSize: {
    kind: 'number',
    min: 16,
    max: 50_000,
    default: 50_000,
    integer: true,
    label: 'Training images',
    unit: 'images',
  },
  valSize: {
    kind: 'number',
    min: 16,
    max: 10_000,
    default: 10_000,
    integer: true,
    label: 'Validation images',
    unit: 'images',
  },
  batchSize: {
    kind: 'number',
    min: 2,
    max: 1024,
    default: 128,
    integer: true,
    label: 'Batch size',
    unit: 'images',
  },
  epochs: { kind: 'number', min: 1, max: 400, default: 20, integer: true, label: 'Epochs' },
  lrMin: { kind: 'number', min: 1e-5, max: 10, default: 0.08, log: true, label: 'LR min' },
  lrMax: { kind: 'number', min: 1e-5, max: 10, default: 0.8, log: true, label: 'LR max' },
  momMax: { kind: 'number', min: 0, max: 0.99, default: 0.95, label: 'Momentum max' },
  momMin: { kind: 'number', min: 0, max: 0.99, default: 0.85, label: 'Momentum min' },
  schedule: { kind: 'enum', values: SCHEDULES, default: 'onecycle', label: 'LR schedule' },
  stepSize: {
    kind: 'number',
    min: 0.1,
    max: 100,
    default: 2,
    log: true,
    label: 'Step size (half cycle)',
    unit: 'epochs',
  },
  clrGamma: { kind: 'number', min: 0.9, max: 1, default: 0.9999, label: 'exp_range gamma' },
  pctStart: {
    kind: 'number',
    min: 0.05,
    max: 0.95,
    default: 0.3,
    label: 'Rising share (pct_start)',
  },
  finalDiv: {
    kind: 'number',
    min: 1,
    max: 1e6,
    default: 1e4,
    log: true,
    label: 'Final divisor (final_div_factor)',
  },
  threePhase: { kind: 'enum', values: THREE_PHASE_CHOICES, default: 'off', label: 'Three phases' },
  dropFactor: { kind: 'number', min: 1, max: 100, default: 10, label: 'LR divisor at each drop' },
  dropAt1: {
    kind: 'number',
    min: 0,
    max: 100,
    default: 50,
    label: 'First drop at',
    unit: '% of run',
  },
  dropAt2: {
    kind: 'number',
    min: 0,
    max: 100,
    default: 75,
    label: 'Second drop at',
    unit: '% of run',
  },
  momSchedule: {
    kind: 'enum',
    values: MOM_SCHEDULES,
    default: 'cyclic',
    label: 'Momentum schedule',
  },
  wd: { kind: 'number', min: 0, max: 1e-2, default: 1e-4, log: true, label: 'Weight decay' },
  seed: { kind: 'number', min: 0, max: 2 ** 31 - 1, default: 1, integer: true, label: 'Seed' },
  backend: { kind: 'enum', values: BACKEND_CHOICES, default: 'auto', label: 'Backend' },
  augment: { kind: 'enum', values: AUGMENT_CHOICES, default: 'on', label: 'Augmentation' },
  mode: { kind: 'enum', values: LAB_MODES, default: 'train', label: 'Instrument' },
  rangeMode: { kind: 'enum', values: RANGE_MODES, default: 'exp', label: 'Sweep' },
  rangeStart: { kind: 'number', min: 1e-7, max: 10, default: 1e-5, log: true, label: 'Start LR' },
  rangeEnd: { kind: 'number', min: 1e-6, max: 100, default: 10, log: true, label: 'End LR' },
  rangeSteps: {
    kind: 'number',
    min: 5,
    max: 2000,
    default: 100,
    integer: true,
    label: 'Iterations',
  },
  sweepParam: { kind: 'enum', values: SWEEP_PARAMS, default: 'wd', label: 'Vary' },
  demoBudget: { kind: 'enum', values: DEMO_BUDGETS, default: '5', label: 'Budget' },
  recipeStep: {
    kind: 'number',
    min: 1,
    max: 5,
    default: 1,
    integer: true,
    label: 'Recipe step',
  },
};

// Cross-field rules and run lengths live in config-rules.ts; re-exported so callers keep one import.
export { clrStepIterations, runSteps, scheduleUses, validateConfig } from './config-rules';

export const CONFIG_KEYS = Object.keys(SCHEMA) as (keyof TrainConfig)[];

export function defaultConfig(): TrainConfig {
  const out: Record<string, unknown> = {};
  for (const key of CONFIG_KEYS) out[key] = SCHEMA[key].default;
  return out as unknown as TrainConfig;
}

/** Numbers in a log-scale field may be 0 (no weight decay); the slider maps 0 to its left end. */
export const LOG_FLOOR = 1e-6;

export interface ConfigNotice {
  key: string;
  /** What the page tells the user, e.g. `lrMax: "abc" is not a number; using 0.8`. */
  message: string;
}

export function formatValue(v: number | string): string {
  if (typeof v !== 'number') return v;
  // Integers print exactly (a seed limit of 2147483647 must not read 2147480000).
  return Number.isSafeInteger(v) ? String(v) : String(Number(v.toPrecision(6)));
}

/** Validates one raw value against its field: returns the value to use and, if changed, why. */
export function coerceField<K extends keyof TrainConfig>(
  key: K,
  raw: string,
): { value: TrainConfig[K]; notice?: string } {
  const field = SCHEMA[key] as NumberField | EnumField<string>;
  if (field.kind === 'enum') {
    if ((field.values as readonly string[]).includes(raw)) return { value: raw as TrainConfig[K] };
    return {
      value: field.default as TrainConfig[K],
      notice: `${key}: "${truncate(raw)}" is not one of ${field.values.join(', ')}; using ${field.default}`,
    };
  }
  const trimmed = raw.trim();
  const n = trimmed === '' ? NaN : Number(trimmed);
  if (!Number.isFinite(n)) {
    return {
      value: field.default as TrainConfig[K],
      notice: `${key}: "${truncate(raw)}" is not a finite number; using ${formatValue(field.default)}`,
    };
  }
  let v = field.integer ? Math.round(n) : n;
  if (v < field.min || v > field.max) {
    const clamped = Math.min(field.max, Math.max(field.min, v));
    return {
      value: clamped as TrainConfig[K],
      notice: `${key}: ${formatValue(v)} is outside ${formatValue(field.min)}–${formatValue(field.max)}; using ${formatValue(clamped)}`,
    };
  }
  if (field.integer && v !== n) v = Math.round(n);
  return { value: v as TrainConfig[K] };
}

function truncate(s: string): string {
  const clean = s.replace(/[^\x20-\x7e]/g, '?');
  return clean.length > 24 ? `${clean.slice(0, 24)}…` : clean;
}

/**
 * Reads a configuration from URL query entries (pass `new URLSearchParams(location.search)`).
 * Unknown keys are ignored here; bad values fall back to their default, each with a notice.
 */
export function parseConfigQuery(entries: Iterable<[string, string]>): {
  config: TrainConfig;
  notices: ConfigNotice[];
} {
  const byKey = new Map<string, string[]>();
  // Push, not spread: a hostile link repeating one key thousands of times stays linear.
  for (const [k, v] of entries) {
    const list = byKey.get(k);
    if (list) list.push(v);
    else byKey.set(k, [v]);
  }
  const config = defaultConfig() as unknown as Record<string, unknown>;
  const notices: ConfigNotice[] = [];
  for (const key of CONFIG_KEYS) {
    const all = byKey.get(key) ?? [];
    if (all.length === 0) continue;
    if (all.length > 1)
      notices.push({ key, message: `${key}: given ${all.length} times; using the last` });
    const { value, notice } = coerceField(key, all[all.length - 1] ?? '');
    config[key] = value;
    if (notice) notices.push({ key, message: notice });
  }
  return { config: config as unknown as TrainConfig, notices };
}

/** Writes a configuration as a URL query, keys in schema order, so links are stable. */
export function configToQuery(c: TrainConfig): string {
  return CONFIG_KEYS.map((key) => `${key}=${encodeURIComponent(String(c[key]))}`).join('&');
}
