/**
 * A run as the history keeps it, and the export/import formats. Imports are untrusted: every
 * setting goes through the same schema as the URL (coerceField), every point is checked.
 */
import {
  BACKEND_CHOICES,
  CONFIG_KEYS,
  coerceField,
  defaultConfig,
  type BackendName,
  type TrainConfig,
} from './config';
import { printable } from './link';
import { isActiveState, RUN_STATES, type RunState, type TrainPoint, type ValPoint } from './run';

/** A run's state in the history: a run that was active when the page died is 'interrupted'. */
export type HistoryStatus = RunState | 'interrupted';

export const HISTORY_STATUSES: readonly HistoryStatus[] = [...RUN_STATES, 'interrupted'];

/** What the history list needs, stored apart from the (large) curves. */
export interface RunRecord {
  id: string;
  name: string;
  /** ms since 1970. */
  createdAt: number;
  updatedAt: number;
  config: TrainConfig;
  status: HistoryStatus;
  message?: string;
  backend: BackendName | null;
  imagesPerSec: number;
  /** Wall-clock seconds from start to the last update. */
  durationSec: number;
  totalSteps: number;
  trainCount: number;
  valCount: number;
  /** The last validation result, for the list. */
  finalVal: { loss: number; top1: number } | null;
}

export interface RunCurves {
  train: TrainPoint[];
  val: ValPoint[];
}

export type RunExport = RunRecord & RunCurves;

/** A page that died under an active run left it 'running'; the list shows it as interrupted. */
export function markInterrupted(r: RunRecord): RunRecord {
  return isActiveState(r.status)
    ? { ...r, status: 'interrupted', message: 'The page closed or crashed during this run.' }
    : r;
}

export function finalVal(val: readonly ValPoint[]): RunRecord['finalVal'] {
  const last = val.at(-1);
  return last ? { loss: last.loss, top1: last.top1 } : null;
}

/** The JSON file the history exports and imports. */
export interface ExportFile {
  lab: 'super-convergence-lab';
  kind: 'runs';
  version: 1;
  runs: RunExport[];
}

export function toExportFile(runs: RunExport[]): ExportFile {
  return { lab: 'super-convergence-lab', kind: 'runs', version: 1, runs };
}

/** JSON has no NaN: a diverged loss is written as null and read back as NaN. */
export function exportJson(runs: RunExport[]): string {
  return JSON.stringify(toExportFile(runs), null, 1);
}

const MAX_RUNS = 500;
const MAX_TRAIN = 200_000;
const MAX_VAL = 20_000;

/**
 * Reads an export file. Bad settings are clamped or defaulted by the URL schema, bad points are
 * dropped, and each change is named in a notice. Throws only when nothing is usable.
 */
export function parseExportFile(data: unknown): { runs: RunExport[]; notices: string[] } {
  if (!isObject(data) || data.lab !== 'super-convergence-lab' || !Array.isArray(data.runs))
    throw new Error('not a run-history file of this lab');
  const notices: string[] = [];
  if (data.version !== 1)
    notices.push('this file was made by another version of the lab; reading what it can');
  if (data.runs.length > MAX_RUNS)
    notices.push(`the file holds ${data.runs.length} runs; reading the first ${MAX_RUNS}`);
  const runs: RunExport[] = [];
  data.runs.slice(0, MAX_RUNS).forEach((raw: unknown, i: number) => {
    const run = parseRun(raw, i, notices);
    if (run) runs.push(run);
  });
  return { runs, notices };
}

function parseRun(raw: unknown, index: number, notices: string[]): RunExport | null {
  if (!isObject(raw)) {
    notices.push(`run ${index + 1}: not a run; skipped`);
    return null;
  }
  const name =
    typeof raw.name === 'string' && raw.name.trim() !== ''
      ? cleanText(raw.name, 80)
      : `Imported run ${index + 1}`;
  const say = (m: string) => notices.push(`${printable(name)}: ${m}`);

  const config = defaultConfig() as unknown as Record<string, unknown>;
  const rawConfig = isObject(raw.config) ? raw.config : {};
  if (!isObject(raw.config)) say('no settings; using the defaults');
  for (const key of CONFIG_KEYS) {
    if (!(key in rawConfig)) continue;
    const v = rawConfig[key];
    const { value, notice } = coerceField(
      key,
      typeof v === 'string' || typeof v === 'number' ? String(v) : '',
    );
    config[key] = value;
    if (notice) say(notice);
  }
  for (const key of Object.keys(rawConfig))
    if (!(CONFIG_KEYS as string[]).includes(key))
      say(`${printable(key)}: not a setting of this lab; ignored`);

  let status: HistoryStatus = 'stopped';
  if (HISTORY_STATUSES.includes(raw.status as HistoryStatus)) status = raw.status as HistoryStatus;
  else say(`status "${printable(String(raw.status))}" unknown; using stopped`);

  const train = points(raw.train, MAX_TRAIN, toTrainPoint, 'training points', say);
  const val = points(raw.val, MAX_VAL, toValPoint, 'validation points', say);
  const backend =
    BACKEND_CHOICES.includes(raw.backend as BackendName) && raw.backend !== 'auto'
      ? (raw.backend as BackendName)
      : null;
  const createdAt = num(raw.createdAt, 0, 8.64e15, Date.now());
  const lastStep = Math.max(train.at(-1)?.step ?? 0, val.at(-1)?.step ?? 0);
  const record: RunRecord = markInterrupted({
    id: typeof raw.id === 'string' ? cleanText(raw.id, 64) : '',
    name,
    createdAt,
    updatedAt: num(raw.updatedAt, 0, 8.64e15, createdAt),
    config: config as unknown as TrainConfig,
    status,
    backend,
    imagesPerSec: num(raw.imagesPerSec, 0, 1e9, 0),
    durationSec: num(raw.durationSec, 0, 1e9, 0),
    totalSteps: Math.max(Math.round(num(raw.totalSteps, 0, 1e9, 0)), lastStep),
    trainCount: train.length,
    valCount: val.length,
    finalVal: finalVal(val),
  });
  if (typeof raw.message === 'string') record.message = cleanText(raw.message, 300);
  return { ...record, train, val };
}

function points<T extends { step: number }>(
  raw: unknown,
  max: number,
  parse: (p: unknown) => T | null,
  what: string,
  say: (m: string) => void,
): T[] {
  if (raw === undefined) return [];
  if (!Array.isArray(raw)) {
    say(`${what} are not a list; ignored`);
    return [];
  }
  if (raw.length > max) say(`${raw.length} ${what}; keeping the first ${max}`);
  const out: T[] = [];
  let dropped = 0;
  for (const p of raw.slice(0, max)) {
    const point = parse(p);
    // Steps must increase: a repeated or backwards step is dropped.
    if (point && (out.length === 0 || point.step > (out.at(-1) as T).step)) out.push(point);
    else dropped++;
  }
  if (dropped > 0) say(`${dropped} bad ${what} dropped`);
  return out;
}

function toTrainPoint(p: unknown): TrainPoint | null {
  if (!isObject(p)) return null;
  const step = p.step;
  if (typeof step !== 'number' || !Number.isInteger(step) || step < 1 || step > 1e9) return null;
  if (!isNum(p.lr) || !isNum(p.momentum)) return null;
  // null is how JSON writes a diverged (NaN) loss.
  const loss = p.loss === null ? NaN : p.loss;
  if (typeof loss !== 'number') return null;
  return { step, loss, lr: p.lr, momentum: p.momentum };
}

function toValPoint(p: unknown): ValPoint | null {
  if (!isObject(p)) return null;
  const step = p.step;
  if (typeof step !== 'number' || !Number.isInteger(step) || step < 1 || step > 1e9) return null;
  if (!isNum(p.epoch) || !isNum(p.top1) || !isNum(p.top5)) return null;
  const loss = p.loss === null ? NaN : p.loss;
  if (typeof loss !== 'number') return null;
  const unit = (v: number) => Math.min(1, Math.max(0, v));
  const point: ValPoint = { step, epoch: p.epoch, loss, top1: unit(p.top1), top5: unit(p.top5) };
  if (isNum(p.elapsedSec)) point.elapsedSec = p.elapsedSec;
  return point;
}

/** One CSV for any number of runs: a row per training or validation point. */
export function runsToCsv(runs: readonly (Pick<RunExport, 'name'> & RunCurves)[]): string {
  const rows = ['run,kind,step,epoch,loss,lr,momentum,top1,top5'];
  for (const r of runs) {
    const name = csvText(r.name);
    for (const p of r.train)
      rows.push(`${name},train,${p.step},,${csvNum(p.loss)},${p.lr},${p.momentum},,`);
    for (const p of r.val)
      rows.push(`${name},val,${p.step},${p.epoch},${csvNum(p.loss)},,,${p.top1},${p.top5}`);
  }
  return rows.join('\n') + '\n';
}

function csvNum(v: number): string {
  return Number.isFinite(v) ? String(v) : 'NaN';
}

/** Quoted, and a leading = + - @ defused so a spreadsheet does not run it as a formula. */
function csvText(s: string): string {
  const safe = /^[=+\-@\t\r]/.test(s) ? `'${s}` : s;
  return `"${safe.replace(/"/g, '""')}"`;
}

function cleanText(s: string, max: number): string {
  // Control characters (newlines, NUL) become spaces: names are shown and written to CSV.
  const clean = [...s].map((c) => (c < ' ' || c === '\u007f' ? ' ' : c)).join('');
  return clean.trim().slice(0, max);
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function isNum(v: unknown): v is number {
  return typeof v === 'number' && Number.isFinite(v);
}

function num(v: unknown, min: number, max: number, fallback: number): number {
  return isNum(v) ? Math.min(max, Math.max(min, v)) : fallback;
}
