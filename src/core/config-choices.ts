/**
 * The values each choice setting may take, and their types; config.ts re-exports them, so
 * callers import them from there with the schema that uses them.
 */
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
