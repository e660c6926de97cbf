/** What the history panel's buttons do: the store and IndexedDB kept in step. */
import { parseRunsText } from '../../core/pytorch-log';
import { exportJson, markInterrupted, runsToCsv, type RunExport } from '../../core/run-record';
import { SHARD_CACHE_NAME } from '../../core/dataset';
import { labStore } from '../store';
import { HistoryDb } from './db';
import { layoutLegend } from './legend-layout';
import { RunRecorder } from './recorder';

let db: HistoryDb | null = null;
/** Records the current run; asked to save again once pruning made room. */
let recorder: RunRecorder | null = null;

/** The open history database (null until opened, or when the browser has none). */
export function historyDb(): HistoryDb | null {
  return db;
}

function errorText(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

/** Opens the history, marks runs that died with the page as interrupted, starts recording. */
export async function startHistory(): Promise<void> {
  const s = labStore.getState();
  try {
    db = await HistoryDb.open();
    const runs = await db.list();
    const fixed = runs.map(markInterrupted);
    await Promise.all(fixed.filter((r, i) => r !== runs[i]).map((r) => db?.putRecord(r)));
    s.setHistory(fixed);
    recorder = new RunRecorder(labStore, db);
    recorder.start();
  } catch (e) {
    s.setHistory([]);
    s.setHistoryError(`Run history is off: ${errorText(e)}`);
  }
}

export async function renameRun(id: string, name: string): Promise<void> {
  const clean = name.trim().slice(0, 80);
  if (!clean) return;
  labStore.getState().renameHistoryRun(id, clean);
  const record = labStore.getState().historyRuns.find((r) => r.id === id);
  if (db && record) await db.putRecord(record).catch(reportError);
}

export async function deleteRun(id: string): Promise<void> {
  labStore.getState().removeHistoryRun(id);
  await db?.delete(id).catch(reportError);
  // Storage was full: the run kept in memory can be saved now.
  if (labStore.getState().historyFull) recorder?.flush();
}

/**
 * Storage is full: empties the browser's copy of the dataset shards, usually most of what the
 * lab stores (they download again when needed), then saves what waits in memory.
 */
export async function freeDatasetCache(): Promise<void> {
  try {
    if (typeof caches !== 'undefined') await caches.delete(SHARD_CACHE_NAME);
  } catch (e) {
    reportError(e);
    return;
  }
  recorder?.flush();
}

/** Storage is full: deletes the oldest saved run (never the one being recorded). */
export async function deleteOldestRun(): Promise<void> {
  const s = labStore.getState();
  const current = s.run?.runId;
  const oldest = s.historyRuns.filter((r) => r.id !== current).at(-1);
  if (oldest) await deleteRun(oldest.id);
}

/** Draws or removes a run over the loss chart; its curves load from IndexedDB the first time. */
export async function toggleOverlayRun(id: string): Promise<void> {
  const s = labStore.getState();
  s.toggleOverlay(id);
  if (!db || s.overlayCurves[id]) return;
  try {
    labStore.getState().setOverlayCurves(id, await db.curves(id));
  } catch (e) {
    reportError(e);
  }
}

async function withCurves(ids: readonly string[]): Promise<RunExport[]> {
  const s = labStore.getState();
  const out: RunExport[] = [];
  for (const id of ids) {
    const record = s.historyRuns.find((r) => r.id === id);
    if (!record || !db) continue;
    out.push({ ...record, ...(await db.curves(id)) });
  }
  return out;
}

export async function exportRuns(ids: readonly string[], format: 'json' | 'csv'): Promise<void> {
  const runs = await withCurves(ids);
  if (runs.length === 0) return;
  const stamp = new Date().toISOString().slice(0, 19).replace(/[:T]/g, '-');
  if (format === 'json')
    download(new Blob([exportJson(runs)], { type: 'application/json' }), `runs-${stamp}.json`);
  else download(new Blob([runsToCsv(runs)], { type: 'text/csv' }), `runs-${stamp}.csv`);
}

/**
 * Reads an export file, or the JSONL log of an exported PyTorch script, through the schema;
 * what it changed goes to the panel's notice.
 */
export async function importRunsFile(file: File): Promise<void> {
  const s = labStore.getState();
  let parsed: { runs: RunExport[]; notices: string[] };
  try {
    if (file.size > 64 * 1024 * 1024) throw new Error('the file is larger than 64 MB');
    parsed = parseRunsText(await file.text());
  } catch (e) {
    s.setImportNotices([`${file.name}: ${errorText(e)}; nothing imported`]);
    return;
  }
  const taken = new Set(s.historyRuns.map((r) => r.id));
  for (const run of parsed.runs) {
    // Imported ids never overwrite a run already here.
    if (!run.id || taken.has(run.id))
      run.id = `import-${crypto.getRandomValues(new Uint32Array(2)).join('-')}`;
    taken.add(run.id);
    const { train: _t, val: _v, ...record } = run;
    labStore.getState().upsertHistoryRun(record);
    await db?.put(run).catch(reportError);
  }
  const n = parsed.runs.length;
  s.setImportNotices([`${file.name}: imported ${n} run${n === 1 ? '' : 's'}`, ...parsed.notices]);
}

/** The loss chart's SVG element, as drawn now (overlays included). */
function chartSvg(): SVGSVGElement | null {
  return document.querySelector<SVGSVGElement>(
    '[data-testid="loss-chart"] .recharts-wrapper > svg',
  );
}

/**
 * A standalone SVG document of the loss chart: white background, and the legend's names written in
 * below the plot (wrapped to the width), so a PNG or SVG export names its lines.
 */
export function chartSvgText(): { text: string; width: number; height: number } | null {
  const svg = chartSvg();
  if (!svg) return null;
  const copy = svg.cloneNode(true) as SVGSVGElement;
  const rect = svg.getBoundingClientRect();
  const width = Math.round(rect.width);
  // The legend is HTML beside the SVG: write its entries in as text so the file names its lines.
  const items = document.querySelectorAll<HTMLElement>(
    '[data-testid="loss-chart"] .recharts-legend-item',
  );
  const entries = Array.from(items, (item) => {
    const swatch = item.querySelector('path, line');
    const colour = swatch?.getAttribute('stroke') || swatch?.getAttribute('fill') || '#333';
    return { label: item.textContent ?? '', colour };
  });
  const { placed, height } = layoutLegend(entries, width, Math.round(rect.height));
  copy.setAttribute('xmlns', 'http://www.w3.org/2000/svg');
  copy.setAttribute('width', String(width));
  copy.setAttribute('height', String(height));
  copy.setAttribute('viewBox', `0 0 ${width} ${height}`);
  copy.setAttribute('font-family', 'system-ui, sans-serif');
  const bg = document.createElementNS('http://www.w3.org/2000/svg', 'rect');
  bg.setAttribute('width', '100%');
  bg.setAttribute('height', '100%');
  bg.setAttribute('fill', '#fff');
  copy.insertBefore(bg, copy.firstChild);
  for (const p of placed) {
    const text = document.createElementNS('http://www.w3.org/2000/svg', 'text');
    text.setAttribute('x', String(p.x));
    text.setAttribute('y', String(p.y));
    text.setAttribute('font-size', '12');
    text.setAttribute('fill', p.colour);
    text.setAttribute('data-legend', '');
    text.textContent = `■ ${p.label}`;
    copy.appendChild(text);
  }
  return { text: new XMLSerializer().serializeToString(copy), width, height };
}

export async function exportChart(format: 'svg' | 'png'): Promise<void> {
  const chart = chartSvgText();
  if (!chart) return;
  const { text, width, height } = chart;
  const svgBlob = new Blob([text], { type: 'image/svg+xml' });
  if (format === 'svg') {
    download(svgBlob, 'loss-chart.svg');
    return;
  }
  const url = URL.createObjectURL(svgBlob);
  try {
    const img = new Image();
    img.src = url;
    await img.decode();
    const scale = 2;
    const canvas = document.createElement('canvas');
    canvas.width = Math.round(width * scale);
    canvas.height = Math.round(height * scale);
    const ctx = canvas.getContext('2d');
    if (!ctx) return;
    ctx.scale(scale, scale);
    ctx.drawImage(img, 0, 0, width, height);
    const png = await new Promise<Blob | null>((resolve) => canvas.toBlob(resolve, 'image/png'));
    if (png) download(png, 'loss-chart.png');
  } finally {
    URL.revokeObjectURL(url);
  }
}

export function download(blob: Blob, filename: string): void {
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = filename;
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

function reportError(e: unknown): void {
  labStore.getState().setHistoryError(`Run history: ${errorText(e)}`);
}
