/**
 * The JSONL log that an exported train.py writes (src/core/export), read into the run history
 * like the lab's own runs. Untrusted like any import: it is turned into the history's export
 * shape and read through `parseExportFile`, so settings meet the URL schema and every point is
 * checked by the same code as a JSON import.
 *
 * Lines: `{"type":"header","format":"lab-pytorch-log","version":1,"config":{…},…}` first, then
 * `{"type":"train","step","loss","lr","momentum"}`, `{"type":"val","step","epoch","loss","top1",
 * "top5","elapsedSec"}` and a last `{"type":"end","status":…}`.
 */
import { coerceField } from './config';
import { parseExportFile, type RunExport } from './run-record';

export const PYTORCH_LOG_FORMAT = 'lab-pytorch-log';

const END_STATUSES = ['done', 'stopped', 'diverged'] as const;

/** Lines read at most: beyond the history's own point limits, with room for val and end lines. */
const MAX_LINES = 250_000;

type Json = Record<string, unknown>;

function isObject(v: unknown): v is Json {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function parseLine(line: string): unknown {
  try {
    return JSON.parse(line) as unknown;
  } catch {
    return undefined;
  }
}

/** The first line as an object, if it parses as one (a JSON export's first line does not). */
function firstObject(text: string): Json | null {
  const first = text.slice(0, 1_000_000).split('\n', 1)[0] ?? '';
  const v = parseLine(first.trim());
  return isObject(v) ? v : null;
}

/**
 * Any file the history's import takes: a PyTorch log (JSON lines starting with its header) or
 * the lab's own JSON export. Throws, with a sentence, when nothing is usable.
 */
export function parseRunsText(text: string): { runs: RunExport[]; notices: string[] } {
  const head = firstObject(text);
  if (head && head.type === 'header') {
    if (head.format !== PYTORCH_LOG_FORMAT) throw new Error('not a run log of this lab');
    return parsePytorchLog(text);
  }
  return parseExportFile(JSON.parse(text) as unknown);
}

/** Reads a PyTorch log as one run. Throws when its first line is not this lab's log header. */
export function parsePytorchLog(text: string): { runs: RunExport[]; notices: string[] } {
  const lines = text.split('\n');
  const head = parseLine((lines[0] ?? '').trim());
  if (!isObject(head) || head.type !== 'header' || head.format !== PYTORCH_LOG_FORMAT)
    throw new Error('not a run log of this lab');
  const extra: string[] = [];
  if (head.version !== 1)
    extra.push('this log was written by another version of the export; reading what it can');
  if (lines.length > MAX_LINES)
    extra.push(`the log has ${lines.length} lines; reading the first ${MAX_LINES}`);
  const train: unknown[] = [];
  const val: unknown[] = [];
  let end: Json | null = null;
  let bad = 0;
  for (const line of lines.slice(1, MAX_LINES)) {
    if (line.trim() === '') continue;
    const v = parseLine(line);
    if (!isObject(v)) bad++;
    else if (v.type === 'train') train.push(v);
    else if (v.type === 'val') val.push(v);
    else if (v.type === 'end') end = v;
    else bad++;
  }
  if (bad > 0) extra.push(`${bad} line${bad === 1 ? '' : 's'} not understood; skipped`);

  const config = isObject(head.config) ? head.config : null;
  const setting = <K extends 'model' | 'lrMax'>(key: K) =>
    coerceField(key, config && typeof config[key] !== 'object' ? String(config[key]) : '').value;
  const status = END_STATUSES.find((s) => s === end?.status);
  const torch = typeof head.torch === 'string' ? head.torch : '?';
  const device = typeof head.device === 'string' ? head.device : '?';
  const world =
    typeof head.world === 'number' && head.world > 1 ? ` × ${head.world} processes` : '';
  const notes = [`Trained by the exported PyTorch script (torch ${torch}, ${device}${world}).`];
  if (!status) notes.push('The log has no end line: the script was stopped or is still running.');
  else if (typeof end?.message === 'string') notes.push(end.message);
  const lastVal = val.at(-1);
  const raw = {
    name: `PyTorch: ${setting('model')}, LR ${setting('lrMax')}`,
    config: config ?? undefined,
    status: status ?? 'stopped',
    message: notes.join(' '),
    backend: null,
    // When the script started (ms since 1970), or when the log was imported.
    createdAt: typeof head.createdAt === 'number' ? head.createdAt : Date.now(),
    totalSteps: head.totalSteps,
    durationSec: end?.elapsedSec ?? (isObject(lastVal) ? lastVal.elapsedSec : undefined),
    imagesPerSec: end?.imagesPerSec,
    train,
    val,
  };
  const parsed = parseExportFile({
    lab: 'super-convergence-lab',
    kind: 'runs',
    version: 1,
    runs: [raw],
  });
  if (!status) parsed.notices.push(`${raw.name}: no end line; imported as stopped`);
  return { runs: parsed.runs, notices: [...extra, ...parsed.notices] };
}
