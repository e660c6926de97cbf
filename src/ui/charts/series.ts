/** Chart rows from stored points: smoothing, and thinning for drawing only. */
import type { TrainPoint, ValPoint } from '../../core/run';
import { lttb } from '../../core/lttb';
import { EmaSmoother } from '../../core/smooth';
import { niceStep } from '../controls/scale';

export interface TrainRow {
  step: number;
  loss: number;
  smooth: number;
  lr: number;
  momentum: number;
}

/**
 * Above this many rows the chart draws an LTTB selection instead of every point: about one row
 * per horizontal pixel of the plot. recharts' cost per redraw grows with the rows of each line
 * (docs/benchmarks.md), so more rows would cost time without showing more.
 */
export const MAX_DRAWN = 700;

/** Train rows with the debiased EMA; non-finite losses (a diverged step) are left out. */
export function trainRows(points: readonly TrainPoint[]): TrainRow[] {
  return extendTrainRows(null, points).rows;
}

/** Train rows of `source`, with the smoother's state after its last point, to extend later. */
export interface TrainRowsState {
  source: readonly TrainPoint[];
  rows: TrainRow[];
  smoother: EmaSmoother;
}

/** Whether `points` starts with every point of `prev` (the store only appends, so it usually does). */
function extendsSource(prev: readonly TrainPoint[], points: readonly TrainPoint[]): boolean {
  const n = prev.length;
  return n === 0 || (points.length >= n && points[n - 1] === prev[n - 1] && points[0] === prev[0]);
}

/**
 * `trainRows(points)`, reusing `prev` when `points` only appends to its source: the EMA carries on
 * from the stored state, so an event costs its new points, not all the stored ones. `prev` must not
 * be used afterwards (its smoother moves on).
 */
export function extendTrainRows(
  prev: TrainRowsState | null,
  points: readonly TrainPoint[],
): TrainRowsState {
  if (prev && prev.source === points) return prev;
  const reuse = prev !== null && extendsSource(prev.source, points);
  const smoother = reuse ? prev.smoother : new EmaSmoother();
  const added: TrainRow[] = [];
  for (let i = reuse ? prev.source.length : 0; i < points.length; i++) {
    const p = points[i]!;
    if (!Number.isFinite(p.loss)) continue;
    added.push({
      step: p.step,
      loss: p.loss,
      smooth: smoother.push(p.loss),
      lr: p.lr,
      momentum: p.momentum,
    });
  }
  return { source: points, rows: reuse ? prev.rows.concat(added) : added, smoother };
}

export function valRows(points: readonly ValPoint[]): { step: number; loss: number }[] {
  return points.filter((p) => Number.isFinite(p.loss)).map((p) => ({ step: p.step, loss: p.loss }));
}

/**
 * Rows to draw, at most `maxRows`: LTTB over (step, value), so spikes and the curve's shape
 * survive. Drawing only; stored points are never dropped.
 */
export function thinForDrawing<T extends { step: number }>(
  rows: readonly T[],
  maxRows: number,
  value: (r: T) => number,
): T[] {
  return lttb(rows, maxRows, (r) => r.step, value);
}

/** A thinned selection and the rows it was made from, to extend on the next redraw. */
export interface DrawnState<T> {
  base: readonly T[];
  baseDrawn: T[];
  rows: readonly T[];
  drawn: T[];
}

/**
 * `thinForDrawing`, run again only once the rows have grown by one LTTB bucket (rows ÷ maxRows)
 * since the last run; until then the new rows are drawn as they are after that selection. At
 * 50,000 stored points a 20-point event then costs its own rows instead of a pass over all.
 */
export function thinAppending<T extends { step: number }>(
  prev: DrawnState<T> | null,
  rows: readonly T[],
  maxRows: number,
  value: (r: T) => number,
): DrawnState<T> {
  if (prev && prev.rows === rows) return prev;
  const n = prev?.base.length ?? 0;
  if (
    prev &&
    n > maxRows &&
    rows.length >= n &&
    rows.length - n <= n / maxRows &&
    rows[0] === prev.base[0] &&
    rows[n - 1] === prev.base[n - 1]
  ) {
    const drawn = prev.baseDrawn.concat(rows.slice(n));
    return { ...prev, rows, drawn };
  }
  const drawn = thinForDrawing(rows, maxRows, value);
  return { base: rows, baseDrawn: drawn, rows, drawn };
}

/** Index of the last row with step ≤ `step` (binary search; -1 if none). Rows sorted by step. */
export function lastAtOrBefore(rows: readonly { step: number }[], step: number): number {
  let lo = 0;
  let hi = rows.length - 1;
  let found = -1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (rows[mid]!.step <= step) {
      found = mid;
      lo = mid + 1;
    } else hi = mid - 1;
  }
  return found;
}

/** Round tick values from 0 to at most `top`, about `count` of them. */
export function niceTicks(top: number, count = 5): number[] {
  if (!(top > 0)) return [0];
  const step = niceStep(top / count);
  const ticks: number[] = [];
  for (let i = 0; i * step <= top * (1 + 1e-9); i++) ticks.push(Number((i * step).toPrecision(10)));
  return ticks;
}

/** A y-axis top that follows the smoothed and validation curves; raw spikes may be clipped. */
export function lossAxisTop(
  rows: readonly Pick<TrainRow, 'loss' | 'smooth'>[],
  val: readonly { loss: number }[],
): number {
  let top = 0;
  for (const r of rows) top = Math.max(top, r.smooth);
  for (const v of val) top = Math.max(top, v.loss);
  if (rows.length > 0 && rows.length < 20) for (const r of rows) top = Math.max(top, r.loss);
  if (top <= 0) return 1;
  const padded = top * 1.15;
  const unit = 10 ** Math.floor(Math.log10(padded)) / 2;
  return Math.ceil(padded / unit) * unit;
}

/**
 * The loss axis top, clipped where a diverging curve (a loss of 400,000 by step 4) would squash
 * every finite curve to zero: never above CLIP_FACTOR × the first loss (≈ ln classes at
 * initialisation). `clippedAt` is the largest loss drawn off the scale, for a marker.
 */
export function readableLossTop(
  rows: readonly Pick<TrainRow, 'loss' | 'smooth'>[],
  val: readonly { loss: number }[],
  /** First losses of other curves drawn (saved runs): the smallest sane one sets the scale. */
  firsts: readonly number[] = [],
): { top: number; clippedAt: number | null } {
  const top = lossAxisTop(rows, val);
  const candidates = [rows[0]?.loss, val[0]?.loss, ...firsts].filter(
    (v): v is number => v !== undefined && Number.isFinite(v) && v > 0,
  );
  const first = candidates.length ? Math.min(...candidates) : undefined;
  const baseline = first !== undefined && Number.isFinite(first) && first > 0 ? first : 2.5;
  const cap = lossAxisTop([{ loss: 0, smooth: CLIP_FACTOR * baseline }], []);
  if (top <= cap) return { top, clippedAt: null };
  let max = 0;
  for (const r of rows) max = Math.max(max, r.loss, r.smooth);
  for (const v of val) max = Math.max(max, v.loss);
  return { top: cap, clippedAt: max };
}

const CLIP_FACTOR = 4;

/** Axis tick text that fits a 56 px axis: 3 significant digits, exponent form when large. */
export function formatLossTick(v: number): string {
  if (v === 0) return '0';
  if (Math.abs(v) >= 1e4) return v.toExponential(1);
  return String(Number(v.toPrecision(3)));
}

/**
 * A log loss axis: whole decades around every finite positive loss, ticks at 1, 2 and 5 of each
 * decade, so a diverged curve and a converged one are both read on one chart.
 */
export function logLossAxis(values: Iterable<number>): {
  domain: [number, number];
  ticks: number[];
} {
  let lo = Infinity;
  let hi = 0;
  for (const v of values) {
    if (!(v > 0) || !Number.isFinite(v)) continue;
    lo = Math.min(lo, v);
    hi = Math.max(hi, v);
  }
  if (!(hi > 0)) return { domain: [0.1, 10], ticks: [0.1, 1, 10] };
  const a = Math.floor(Math.log10(lo));
  const b = Math.max(a + 1, Math.ceil(Math.log10(hi)));
  const ticks: number[] = [];
  const marks = b - a > 3 ? [1] : [1, 2, 5];
  for (let e = a; e <= b; e++)
    for (const m of marks) {
      const t = Number((m * 10 ** e).toPrecision(3));
      if (t <= 10 ** b) ticks.push(t);
    }
  return { domain: [10 ** a, 10 ** b], ticks };
}
