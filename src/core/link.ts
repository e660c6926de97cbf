/**
 * The whole link, not just the training settings: a version key, classroom-mode `hide`, and the
 * shared-result payload `r`. Links are read in three steps: version → migrate → schema.
 */
import { CONFIG_KEYS, configToQuery, parseConfigQuery, type TrainConfig } from './config';

/** The link format this build writes. Links without `v` predate the key and are version 1. */
export const URL_VERSION = 1;

export type QueryEntry = [string, string];

/** Rewrites a link's entries from one version to the next (renames keys, converts values). */
export type Migration = (entries: readonly QueryEntry[]) => QueryEntry[];

/**
 * MIGRATIONS[n] turns a version-n link into a version-(n+1) link. When a key is renamed or its
 * meaning changes, bump URL_VERSION and add one entry here, e.g.
 * `1: renameKeys({ lr: 'lrMax' })`; old links then keep working.
 */
export const MIGRATIONS: Readonly<Record<number, Migration>> = {};

/** A migration that renames keys and leaves their values alone. */
export function renameKeys(renames: Readonly<Record<string, string>>): Migration {
  return (entries) => entries.map(([k, v]) => [renames[k] ?? k, v]);
}

/** A migration that converts one key's value (e.g. a percentage into a fraction). */
export function mapValue(key: string, f: (value: string) => string): Migration {
  return (entries) => entries.map(([k, v]) => (k === key ? [k, f(v)] : [k, v]));
}

/** Applies the migrations from `from` up to `to`, in order. */
export function migrateEntries(
  entries: readonly QueryEntry[],
  from: number,
  to: number = URL_VERSION,
  table: Readonly<Record<number, Migration>> = MIGRATIONS,
): QueryEntry[] {
  let out = entries.slice();
  for (let v = from; v < to; v++) {
    const step = table[v];
    if (step) out = step(out);
  }
  return out;
}

/** Page parts a `hide=` list may name besides the settings, e.g. `hide=chart.schedule,seed`. */
export const HIDEABLE_PARTS = [
  'chart.schedule',
  'panel.data',
  'panel.history',
  'panel.topology',
  'share',
  /** The mode tabs: a class kept on one instrument. */
  'tabs',
] as const;

export function hideableNames(): string[] {
  return [...CONFIG_KEYS, ...HIDEABLE_PARTS];
}

/** Keys of the link that are not settings. */
const LINK_KEYS = new Set(['v', 'hide', 'r', 'sweepValues']);

export interface ParsedLink {
  /** The version the link declared (1 when absent). */
  version: number;
  config: TrainConfig;
  /** Names to hide, in the order given, known ones only. */
  hide: string[];
  /** The raw shared-result payload, if any (decoded elsewhere: it needs decompression). */
  shared: string | null;
  /** Sweeps: the values as the user typed them (a comma list, checked by core/sweep), if given. */
  sweepValues: string | null;
  /** One line per key the page changed or ignored, naming it. */
  notices: string[];
}

/** Reads a whole link: `new URLSearchParams(location.search)` or any list of entries. */
export function parseLink(entries: Iterable<QueryEntry>): ParsedLink {
  const raw = [...entries];
  const notices: string[] = [];
  const version = readVersion(raw, notices);
  const migrated = version < URL_VERSION ? migrateEntries(raw, version) : raw;

  const parsed = parseConfigQuery(migrated);
  notices.push(...parsed.notices.map((n) => n.message));

  const hideValues = migrated.filter(([k]) => k === 'hide').map(([, v]) => v);
  const { hide, unknown } = parseHide(hideValues.join(','));
  if (unknown.length > 0)
    notices.push(`hide: ${listSome(unknown.map(printable))} not part of this lab; ignored`);

  const rValues = migrated.filter(([k]) => k === 'r').map(([, v]) => v);
  const shared = rValues.length > 0 ? (rValues[rValues.length - 1] ?? null) : null;

  const sweepRaw = migrated.filter(([k]) => k === 'sweepValues').map(([, v]) => v);
  const sweepValues = sweepRaw.length > 0 ? (sweepRaw.at(-1) ?? '').slice(0, 400) : null;

  const known = new Set<string>([...CONFIG_KEYS, ...LINK_KEYS]);
  const unknownKeys = [...new Set(migrated.map(([k]) => k))].filter((k) => !known.has(k));
  notices.push(
    ...unknownKeys
      .slice(0, MAX_NAMED)
      .map((k) => `${printable(k)}: not a setting of this lab; ignored`),
  );
  if (unknownKeys.length > MAX_NAMED)
    notices.push(`${unknownKeys.length - MAX_NAMED} more keys: not settings of this lab; ignored`);
  return { version, config: parsed.config, hide, shared, sweepValues, notices };
}

function readVersion(entries: readonly QueryEntry[], notices: string[]): number {
  const values = entries.filter(([k]) => k === 'v').map(([, v]) => v);
  if (values.length === 0) return 1;
  const raw = values[values.length - 1] ?? '';
  const n = Number(raw.trim());
  if (!Number.isInteger(n) || n < 1) {
    notices.push(`v: "${printable(raw)}" is not a link version; reading it as version 1`);
    return 1;
  }
  if (n > URL_VERSION)
    notices.push(
      `v: this link was made by a newer version of the lab (link version ${n}, this page reads ` +
        `${URL_VERSION}); some settings may be ignored`,
    );
  return n;
}

/** A hostile link can name thousands of keys: the notice names this many, then counts the rest. */
const MAX_NAMED = 8;

function listSome(names: readonly string[]): string {
  const shown = names.slice(0, MAX_NAMED).join(', ');
  return names.length > MAX_NAMED ? `${shown} and ${names.length - MAX_NAMED} more` : shown;
}

/** Splits a `hide=` list into names this lab knows and names it does not. */
export function parseHide(raw: string): { hide: string[]; unknown: string[] } {
  const names = new Set(hideableNames());
  // Sets keep a long hostile list linear; insertion order is the order given.
  const hide = new Set<string>();
  const unknown = new Set<string>();
  for (const part of raw.split(',')) {
    const name = part.trim();
    if (name === '') continue;
    (names.has(name) ? hide : unknown).add(name);
  }
  return { hide: [...hide], unknown: [...unknown] };
}

/**
 * Writes a whole link: version first, settings in schema order, then hide and the payload.
 * `to: 'share'` (a run's share link) leaves out the keys that stay on the page (config.ts).
 */
export function linkToQuery(link: {
  config: TrainConfig;
  to?: 'url' | 'share';
  hide?: readonly string[];
  shared?: string | null;
  sweepValues?: string | null;
}): string {
  let q = `v=${URL_VERSION}&${configToQuery(link.config, link.to)}`;
  // Commas stay readable in `hide`; names never contain other reserved characters.
  if (link.hide && link.hide.length > 0)
    q += `&hide=${link.hide.map(encodeURIComponent).join(',')}`;
  if (link.shared) q += `&r=${encodeURIComponent(link.shared)}`;
  // Commas stay readable here too: the list is split on them when read back.
  if (link.sweepValues != null)
    q += `&sweepValues=${link.sweepValues.split(',').map(encodeURIComponent).join(',')}`;
  return q;
}

/** Safe to show: printable ASCII only, at most 24 characters. */
export function printable(s: string): string {
  const clean = s.replace(/[^\x20-\x7e]/g, '?');
  return clean.length > 24 ? `${clean.slice(0, 24)}…` : clean;
}
