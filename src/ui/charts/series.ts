/** Chart rows from stored points: smoothing, and thinning for drawing only. */
import type { TrainPoint, ValPoint } from '../../core/run';
import { EmaSmoother } from '../../core/smooth';
import { niceStep } from '../controls/scale';

export interface TrainRow {
  step: number;
  loss: number;
  smooth: number;
}

/** Above this many rows the chart draws min/max buckets instead of every point. */
export const MAX_DRAWN = 2000;

/** Train rows with the debiased EMA; non-finite losses (a diverged step) are left out. */
export function trainRows(points: readonly TrainPoint[]): TrainRow[] {
  const smoother = new EmaSmoother();
  const rows: TrainRow[] = [];
  for (const p of points) {
    if (!Number.isFinite(p.loss)) continue;
    rows.push({ step: p.step, loss: p.loss, smooth: smoother.push(p.loss) });
  }
  return rows;
}

export function valRows(points: readonly ValPoint[]): { step: number; loss: number }[] {
  return points.filter((p) => Number.isFinite(p.loss)).map((p) => ({ step: p.step, loss: p.loss }));
}

/**
 * Keeps at most ~maxRows rows: for each bucket the rows with the lowest and highest value, in
 * order, so spikes survive thinning. The first and last rows are always kept.
 */
export function minMaxBuckets<T>(
  rows: readonly T[],
  maxRows: number,
  value: (r: T) => number,
): T[] {
  if (rows.length <= maxRows) return rows.slice();
  const buckets = Math.max(1, Math.floor((maxRows - 2) / 2));
  const size = (rows.length - 2) / buckets;
  const out: T[] = [rows[0] as T];
  for (let b = 0; b < buckets; b++) {
    const from = 1 + Math.floor(b * size);
    const to = 1 + Math.floor((b + 1) * size);
    let lo = from;
    let hi = from;
    for (let i = from; i < to; i++) {
      const v = value(rows[i] as T);
      if (v < value(rows[lo] as T)) lo = i;
      if (v > value(rows[hi] as T)) hi = i;
    }
    if (from >= to) continue;
    const [a, c] = lo <= hi ? [lo, hi] : [hi, lo];
    out.push(rows[a] as T);
    if (c !== a) out.push(rows[c] as T);
  }
  out.push(rows[rows.length - 1] as T);
  return out;
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
export function lossAxisTop(rows: readonly TrainRow[], val: readonly { loss: number }[]): number {
  let top = 0;
  for (const r of rows) top = Math.max(top, r.smooth);
  for (const v of val) top = Math.max(top, v.loss);
  if (rows.length > 0 && rows.length < 20) for (const r of rows) top = Math.max(top, r.loss);
  if (top <= 0) return 1;
  const padded = top * 1.15;
  const unit = 10 ** Math.floor(Math.log10(padded)) / 2;
  return Math.ceil(padded / unit) * unit;
}
