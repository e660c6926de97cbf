/** Chart rows of a queue's runs on the chosen x axis (steps, epochs or wall-clock seconds). */
import type { TrainPoint, ValPoint } from '../../core/run';
import { xOf, type XAxisKind } from '../../core/sweep';
import { smoothedRows } from '../history/overlays';
import { rangeRows } from '../range/rows';
import type { QueueEntry } from '../store/sweep-slice';

/** Where a row is in its run, for the hover tooltip (absent where unknown). */
interface RowFacts {
  step?: number;
  epoch?: number;
  lr?: number;
  momentum?: number;
}

export interface EntrySeries {
  label: string;
  train: ({ x: number; smooth: number } & RowFacts)[];
  val: ({ x: number; loss: number; top1: number } & RowFacts)[];
}

/** The entry's points: its own once ended, the live run's while it runs. */
export function entryPoints(
  entry: QueueEntry,
  live: { runId: string | null; train: TrainPoint[]; val: ValPoint[] },
): { train: readonly TrainPoint[]; val: readonly ValPoint[] } {
  const ended = entry.train.length > 0 || entry.val.length > 0;
  if (!ended && entry.runId !== null && entry.runId === live.runId)
    return { train: live.train, val: live.val };
  return { train: entry.train, val: entry.val };
}

export function entrySeries(
  entry: QueueEntry,
  points: { train: readonly TrainPoint[]; val: readonly ValPoint[] },
  axis: XAxisKind,
): EntrySeries {
  const at = (step: number) => xOf(axis, step, entry.stepsPerEpoch, entry.clock);
  const train = smoothedRows(points.train).flatMap((r) => {
    const x = at(r.step);
    return x === null ? [] : [{ x, smooth: r.smooth, step: r.step }];
  });
  const val = points.val.flatMap((v) => {
    // The same clock as the training points, so both curves of a run line up.
    const x = at(v.step);
    return x === null || !Number.isFinite(v.loss)
      ? []
      : [{ x, loss: v.loss, top1: v.top1, step: v.step, epoch: v.epoch }];
  });
  return { label: entry.label, train, val };
}

/**
 * A range-test entry against LR (Fig. 4a): the training loss smoothed as the range test reads it,
 * and each evaluation at the LR it ran at.
 */
export function rangeEntrySeries(
  entry: QueueEntry,
  points: { train: readonly TrainPoint[]; val: readonly ValPoint[] },
): EntrySeries {
  const train = rangeRows(points.train).map((r) => ({
    x: r.lr,
    smooth: r.smooth,
    step: r.step,
    lr: r.lr,
    momentum: r.momentum,
  }));
  const val = points.val.flatMap((v) =>
    v.lr === undefined || !Number.isFinite(v.loss)
      ? []
      : [{ x: v.lr, loss: v.loss, top1: v.top1, step: v.step, lr: v.lr }],
  );
  return { label: entry.label, train, val };
}

export const AXIS_TEXT: Record<XAxisKind, string> = {
  steps: 'Iteration',
  epochs: 'Epoch',
  seconds: 'Wall-clock seconds',
};
