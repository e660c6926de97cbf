/**
 * The training configuration: one schema that the URL codec, the controls and the worker share.
 * Every key is declared once with its type, range, default and where it travels, so a new key
 * cannot skip validation (the lesson of TF Playground's PROPS table, without its unchecked
 * `+value`) nor the choice of what leaves the page with it (Excalidraw's storage config).
 */
import {
  AUGMENT_CHOICES,
  BACKEND_CHOICES,
  DATASETS,
  DEMO_BUDGETS,
  LAB_MODES,
  MODELS,
  MOM_SCHEDULES,
  SCHEDULES,
  SWEEP_PARAMS,
  THREE_PHASE_CHOICES,
  type AugmentChoice,
  type BackendChoice,
  type DatasetName,
  type DemoBudget,
  type LabMode,
  type ModelName,
  type MomScheduleName,
  type ScheduleName,
  type SweepParam,
  type ThreePhaseChoice,
} from './config-choices';
import { RANGE_MODES, type RangeMode } from './range-test';

// The choices' lists and types live in config-choices.ts; re-exported so callers keep one import.
export * from './config-choices';

/** What a training run needs: the worker and the checkpoint get exactly these. */
export interface EngineConfig {
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
}

/**
 * What only the page needs: the instrument on show and its settings. The range test's settings
 * reach the worker as a range command's `range` (core/range-test's RangeSpec), never as config.
 */
export interface PageConfig {
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

/** The page's whole configuration, as the URL and the store hold it. */
export type TrainConfig = EngineConfig & PageConfig;

/**
 * Where a setting travels: the address bar (`url`), a run's share link and its `r=` payload
 * (`share`), the worker's start and range commands (`worker`), a stored checkpoint (`checkpoint`).
 * Every field declares it, as Excalidraw's app-state keys declare where they persist, so a new key
 * cannot skip the decision; config-travel.ts derives each boundary's config from it.
 */
export type Destination = 'url' | 'share' | 'worker' | 'checkpoint';
export type Travel = Readonly<Record<Destination, boolean>>;

/** A training setting goes wherever its run goes. */
export const RUN = { url: true, share: true, worker: true, checkpoint: true } as const;
/** Page state stays in the address bar: a shared run opens on its chart; the worker never sees it. */
export const PAGE = { url: true, share: false, worker: false, checkpoint: false } as const;

/** Engine keys must reach the worker and the checkpoint; page keys must reach neither. */
type TravelFor<K extends keyof TrainConfig> = K extends keyof EngineConfig
  ? Travel & { worker: true; checkpoint: true }
  : Travel & { worker: false; checkpoint: false };

export interface NumberField {
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

export interface EnumField<T extends string> {
  kind: 'enum';
  values: readonly T[];
  default: T;
  label: string;
}

type FieldFor<V> = [V] extends [string] ? EnumField<V> : NumberField;
export type Schema = {
  [K in keyof TrainConfig]: FieldFor<TrainConfig[K]> & { travels: TravelFor<K> };
};

export const SCHEMA: Schema = {
  model: { kind: 'enum', values: MODELS, default: 'resnet56', label: 'Model', travels: RUN },
  dataset: { kind: 'enum', values: DATASETS, default: 'cifar10', label: 'Dataset', travels: RUN },
  trainSize: {
    kind: 'number',
    min: 16,
    max: 50_000,
    default: 50_000,
    integer: true,
    label: 'Training images',
    unit: 'images',
    travels: RUN,
  },
  valSize: {
    kind: 'number',
    min: 16,
    max: 10_000,
    default: 10_000,
    integer: true,
    label: 'Validation images',
    unit: 'images',
    travels: RUN,
  },
  batchSize: {
    kind: 'number',
    min: 2,
    max: 1024,
    default: 128,
    integer: true,
    label: 'Batch size',
    unit: 'images',
    travels: RUN,
  },
  epochs: {
    kind: 'number',
    min: 1,
    max: 400,
    default: 20,
    integer: true,
    label: 'Epochs',
    travels: RUN,
  },
  lrMin: {
    kind: 'number',
    min: 1e-5,
    max: 10,
    default: 0.08,
    log: true,
    label: 'LR min',
    travels: RUN,
  },
  lrMax: {
    kind: 'number',
    min: 1e-5,
    max: 10,
    default: 0.8,
    log: true,
    label: 'LR max',
    travels: RUN,
  },
  momMax: { kind: 'number', min: 0, max: 0.99, default: 0.95, label: 'Momentum max', travels: RUN },
  momMin: { kind: 'number', min: 0, max: 0.99, default: 0.85, label: 'Momentum min', travels: RUN },
  schedule: {
    kind: 'enum',
    values: SCHEDULES,
    default: 'onecycle',
    label: 'LR schedule',
    travels: RUN,
  },
  stepSize: {
    kind: 'number',
    min: 0.1,
    max: 100,
    default: 2,
    log: true,
    label: 'Step size (half cycle)',
    unit: 'epochs',
    travels: RUN,
  },
  clrGamma: {
    kind: 'number',
    min: 0.9,
    max: 1,
    default: 0.9999,
    label: 'exp_range gamma',
    travels: RUN,
  },
  pctStart: {
    kind: 'number',
    min: 0.05,
    max: 0.95,
    default: 0.3,
    label: 'Rising share (pct_start)',
    travels: RUN,
  },
  finalDiv: {
    kind: 'number',
    min: 1,
    max: 1e6,
    default: 1e4,
    log: true,
    label: 'Final divisor (final_div_factor)',
    travels: RUN,
  },
  threePhase: {
    kind: 'enum',
    values: THREE_PHASE_CHOICES,
    default: 'off',
    label: 'Three phases',
    travels: RUN,
  },
  dropFactor: {
    kind: 'number',
    min: 1,
    max: 100,
    default: 10,
    label: 'LR divisor at each drop',
    travels: RUN,
  },
  dropAt1: {
    kind: 'number',
    min: 0,
    max: 100,
    default: 50,
    label: 'First drop at',
    unit: '% of run',
    travels: RUN,
  },
  dropAt2: {
    kind: 'number',
    min: 0,
    max: 100,
    default: 75,
    label: 'Second drop at',
    unit: '% of run',
    travels: RUN,
  },
  momSchedule: {
    kind: 'enum',
    values: MOM_SCHEDULES,
    default: 'cyclic',
    label: 'Momentum schedule',
    travels: RUN,
  },
  wd: {
    kind: 'number',
    min: 0,
    max: 1e-2,
    default: 1e-4,
    log: true,
    label: 'Weight decay',
    travels: RUN,
  },
  seed: {
    kind: 'number',
    min: 0,
    max: 2 ** 31 - 1,
    default: 1,
    integer: true,
    label: 'Seed',
    travels: RUN,
  },
  backend: {
    kind: 'enum',
    values: BACKEND_CHOICES,
    default: 'auto',
    label: 'Backend',
    travels: RUN,
  },
  augment: {
    kind: 'enum',
    values: AUGMENT_CHOICES,
    default: 'on',
    label: 'Augmentation',
    travels: RUN,
  },
  mode: { kind: 'enum', values: LAB_MODES, default: 'train', label: 'Instrument', travels: PAGE },
  rangeMode: { kind: 'enum', values: RANGE_MODES, default: 'exp', label: 'Sweep', travels: PAGE },
  rangeStart: {
    kind: 'number',
    min: 1e-7,
    max: 10,
    default: 1e-5,
    log: true,
    label: 'Start LR',
    travels: PAGE,
  },
  rangeEnd: {
    kind: 'number',
    min: 1e-6,
    max: 100,
    default: 10,
    log: true,
    label: 'End LR',
    travels: PAGE,
  },
  rangeSteps: {
    kind: 'number',
    min: 5,
    max: 2000,
    default: 100,
    integer: true,
    label: 'Iterations',
    travels: PAGE,
  },
  sweepParam: { kind: 'enum', values: SWEEP_PARAMS, default: 'wd', label: 'Vary', travels: PAGE },
  demoBudget: { kind: 'enum', values: DEMO_BUDGETS, default: '5', label: 'Budget', travels: PAGE },
  recipeStep: {
    kind: 'number',
    min: 1,
    max: 5,
    default: 1,
    integer: true,
    label: 'Recipe step',
    travels: PAGE,
  },
};

// Cross-field rules and run lengths live in config-rules.ts, reading and writing values in
// config-codec.ts; re-exported so callers keep one import.
export { clrStepIterations, runSteps, scheduleUses, validateConfig } from './config-rules';
export {
  coerceField,
  configToQuery,
  defaultConfig,
  formatValue,
  parseConfigQuery,
  restoreConfig,
  type ConfigNotice,
} from './config-codec';

export const CONFIG_KEYS = Object.keys(SCHEMA) as (keyof TrainConfig)[];

/** Numbers in a log-scale field may be 0 (no weight decay); the slider maps 0 to its left end. */
export const LOG_FLOOR = 1e-6;
