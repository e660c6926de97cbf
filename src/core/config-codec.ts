/**
 * Reading and writing configurations: defaults, one value checked against its field (clamped or
 * replaced, with a notice), URL queries, and settings stored by an older build.
 */
import { CONFIG_KEYS, SCHEMA, type EnumField, type NumberField, type TrainConfig } from './config';

export function defaultConfig(): TrainConfig {
  const out: Record<string, unknown> = {};
  for (const key of CONFIG_KEYS) out[key] = SCHEMA[key].default;
  return out as unknown as TrainConfig;
}

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
 * `from: 'share'` reads a shared run's settings: page keys that older builds wrote are dropped.
 */
export function parseConfigQuery(
  entries: Iterable<[string, string]>,
  from: 'url' | 'share' = 'url',
): {
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
    if (!SCHEMA[key].travels[from]) continue;
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

/**
 * Writes a configuration as a URL query, keys in schema order, so links are stable; `to: 'share'`
 * writes only the keys a share link carries.
 */
export function configToQuery(c: TrainConfig, to: 'url' | 'share' = 'url'): string {
  return CONFIG_KEYS.filter((key) => SCHEMA[key].travels[to])
    .map((key) => `${key}=${encodeURIComponent(String(c[key]))}`)
    .join('&');
}

/**
 * Reads `keys` from settings an older build stored (a checkpoint's, a saved run's): each value is
 * checked as a URL value would be, an absent one takes its default, and any other key is dropped.
 * `say` hears each notice; a stored record is read leniently, never refused for its settings.
 */
export function restoreConfig<K extends keyof TrainConfig>(
  raw: unknown,
  keys: readonly K[],
  say: (notice: string) => void = () => {},
): Pick<TrainConfig, K> {
  const stored = typeof raw === 'object' && raw !== null ? (raw as Record<string, unknown>) : {};
  const out: Record<string, unknown> = {};
  for (const key of keys) {
    const v = stored[key];
    if (typeof v !== 'string' && typeof v !== 'number') {
      out[key] = SCHEMA[key].default;
      continue;
    }
    const { value, notice } = coerceField(key, String(v));
    out[key] = value;
    if (notice) say(notice);
  }
  return out as Pick<TrainConfig, K>;
}
