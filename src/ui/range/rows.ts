/** Chart rows for the range test: points against LR, smoothed as the suggestions read them. */
import { RANGE_BETA } from '../../core/range-test';
import type { TrainPoint, ValPoint } from '../../core/run';
import { EmaSmoother } from '../../core/smooth';

export interface RangeRow {
  step: number;
  lr: number;
  momentum: number;
  loss: number;
  smooth: number;
}

export interface RangeValRow {
  step: number;
  epoch: number;
  lr: number;
  valLoss: number;
  /** Top-1 accuracy in percent. */
  accuracy: number;
}

export function rangeRows(points: readonly TrainPoint[]): RangeRow[] {
  const smoother = new EmaSmoother(RANGE_BETA);
  const rows: RangeRow[] = [];
  for (const p of points) {
    if (!Number.isFinite(p.loss)) continue;
    rows.push({
      step: p.step,
      lr: p.lr,
      momentum: p.momentum,
      loss: p.loss,
      smooth: smoother.push(p.loss),
    });
  }
  return rows;
}

export function rangeValRows(points: readonly ValPoint[]): RangeValRow[] {
  return points
    .filter((p) => p.lr !== undefined && Number.isFinite(p.loss))
    .map((p) => ({
      step: p.step,
      epoch: p.epoch,
      lr: p.lr!,
      valLoss: p.loss,
      accuracy: p.top1 * 100,
    }));
}

/** Ticks for a log axis from lo to hi: each decade's 1, and 2 and 5 when under three decades. */
export function logTicks(lo: number, hi: number): number[] {
  if (!(lo > 0 && hi > lo)) return [];
  const decades = Math.log10(hi / lo);
  const mantissas = decades < 1.5 ? [1, 2, 3, 5] : decades <= 3 + 1e-9 ? [1, 2, 5] : [1];
  const ticks: number[] = [];
  for (let e = Math.floor(Math.log10(lo)); e <= Math.ceil(Math.log10(hi)); e++) {
    for (const m of mantissas) {
      const v = Number((m * 10 ** e).toPrecision(6));
      if (v >= lo * (1 - 1e-9) && v <= hi * (1 + 1e-9)) ticks.push(v);
    }
  }
  return ticks;
}

/** A compact LR label: 1e-4, 0.003, 0.5, 2. */
export function formatLr(lr: number): string {
  if (lr >= 1e-3 && lr < 1e4) return String(Number(lr.toPrecision(3)));
  return lr
    .toExponential(2)
    .replace(/\.?0+e/, 'e')
    .replace('+', '');
}

/**
 * Where a suggestion marker's label goes, on the side of its line facing the middle of the sweep
 * (log axis): right of a line in the lower half, left of one in the upper half, so a label never
 * runs past the plot over either y axis.
 */
export function markerLabelSide(
  lr: number,
  lo: number,
  hi: number,
): 'insideTopLeft' | 'insideTopRight' {
  return Math.log(lr / lo) > Math.log(hi / lo) / 2 ? 'insideTopRight' : 'insideTopLeft';
}
