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

/** Above this many rows the chart draws an LTTB selection instead of every point. */
export const MAX_DRAWN = 2000;

/** Train rows with the debiased EMA; non-finite losses (a diverged step) are left out. */
export function trainRows(points: readonly TrainPoint[]): TrainRow[] {
  const smoother = new EmaSmoother();
  const rows: TrainRow[] = [];
  for (const p of points) {
    if (!Number.isFinite(p.loss)) continue;
    rows.push({
      step: p.step,
      loss: p.loss,
      smooth: smoother.push(p.loss),
      lr: p.lr,
      momentum: p.momentum,
    });
  }
  return rows;
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
