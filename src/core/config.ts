/**
 * The training configuration: one schema that the URL codec, the controls and the worker share.
 * Every key is declared once with its type, range and default, so a new key cannot skip
 * validation (the lesson of TF Playground's PROPS table, without its unchecked `+value`).
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
  /** L2 weight decay, added to the gradient as in Smith's Caffe runs. */
  wd: number;
  seed: number;
  backend: BackendChoice;
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
  wd: { kind: 'number', min: 0, max: 1e-2, default: 1e-4, log: true, label: 'Weight decay' },
  seed: { kind: 'number', min: 0, max: 2 ** 31 - 1, default: 1, integer: true, label: 'Seed' },
  backend: { kind: 'enum', values: BACKEND_CHOICES, default: 'auto', label: 'Backend' },
};

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

function formatValue(v: number | string): string {
  return typeof v === 'number' ? String(Number(v.toPrecision(6))) : v;
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

/** Cross-field rules that single-field ranges cannot express. Returns errors that block Start. */
export function validateConfig(c: TrainConfig): { key: keyof TrainConfig; message: string }[] {
  const errors: { key: keyof TrainConfig; message: string }[] = [];
  if (c.lrMin > c.lrMax) errors.push({ key: 'lrMin', message: 'LR min must not exceed LR max' });
  if (c.momMin > c.momMax)
    errors.push({ key: 'momMin', message: 'Momentum min must not exceed momentum max' });
  if (c.batchSize > c.trainSize)
    errors.push({ key: 'batchSize', message: 'Batch size exceeds the training images' });
  return errors;
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
  for (const [k, v] of entries) byKey.set(k, [...(byKey.get(k) ?? []), v]);
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
