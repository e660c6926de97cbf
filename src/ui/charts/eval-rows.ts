/** Rows for the per-evaluation views: generalisation error, accuracy and the epoch table. */
import type { ValPoint } from '../../core/run';
import { lastAtOrBefore, type TrainRow } from './series';

export interface EvalRow {
  step: number;
  epoch: number;
  /** LR and momentum of the last training step before this evaluation (NaN if none). */
  lr: number;
  momentum: number;
  /** The smoothed training loss at this step, as the loss chart draws it. */
  train: number;
  val: number;
  /** Validation minus training loss (Smith's Fig. 1b). */
  gap: number;
  /** Accuracies in percent. */
  top1: number;
  top5: number;
  /** Seconds since the previous evaluation (or the start), when the engine timed it. */
  seconds: number | null;
}

/** One row per finite evaluation, with the training side read at the same step. */
export function evalRows(train: readonly TrainRow[], val: readonly ValPoint[]): EvalRow[] {
  const out: EvalRow[] = [];
  let prevElapsed = 0;
  for (const v of val) {
    if (!Number.isFinite(v.loss)) continue;
    const t = train[lastAtOrBefore(train, v.step)];
    const smooth = t?.smooth ?? NaN;
    out.push({
      step: v.step,
      epoch: v.epoch,
      lr: t?.lr ?? NaN,
      momentum: t?.momentum ?? NaN,
      train: smooth,
      val: v.loss,
      gap: v.loss - smooth,
      top1: v.top1 * 100,
      top5: v.top5 * 100,
      seconds: v.elapsedSec === undefined ? null : v.elapsedSec - prevElapsed,
    });
    if (v.elapsedSec !== undefined) prevElapsed = v.elapsedSec;
  }
  return out;
}

/** Loss-chart rows: the drawn training rows with each evaluation merged in at its step. */
export interface LossRow extends TrainRow {
  val?: number;
}

export function lossRows(
  drawn: readonly TrainRow[],
  all: readonly TrainRow[],
  val: readonly { step: number; loss: number }[],
): LossRow[] {
  const byStep = new Map<number, LossRow>(drawn.map((r) => [r.step, r]));
  for (const v of val) {
    const at = byStep.get(v.step) ?? all[lastAtOrBefore(all, v.step)];
    byStep.set(
      v.step,
      at ? { ...at, step: v.step, val: v.loss } : { ...NO_TRAIN, step: v.step, val: v.loss },
    );
  }
  return [...byStep.values()].sort((a, b) => a.step - b.step);
}

const NO_TRAIN: TrainRow = { step: 0, loss: NaN, smooth: NaN, lr: NaN, momentum: NaN };
