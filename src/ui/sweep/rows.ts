/** Chart rows of a queue's runs on the chosen x axis (steps, epochs or wall-clock seconds). */
import type { TrainPoint, ValPoint } from '../../core/run';
import { xOf, type XAxisKind } from '../../core/sweep';
import { smoothedRows } from '../history/overlays';
import type { QueueEntry } from '../store/sweep-slice';

export interface EntrySeries {
  label: string;
  train: { x: number; smooth: number }[];
  val: { x: number; loss: number; top1: number }[];
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
    return x === null ? [] : [{ x, smooth: r.smooth }];
  });
  const val = points.val.flatMap((v) => {
    // The same clock as the training points, so both curves of a run line up.
    const x = at(v.step);
    return x === null || !Number.isFinite(v.loss) ? [] : [{ x, loss: v.loss, top1: v.top1 }];
  });
  return { label: entry.label, train, val };
}

export const AXIS_TEXT: Record<XAxisKind, string> = {
  steps: 'Iteration',
  epochs: 'Epoch',
  seconds: 'Wall-clock seconds',
};
