/** Saved runs drawn over the loss chart: smoothed training loss and validation loss per run. */
import { useMemo } from 'react';
import type { TrainPoint } from '../../core/run';
import { EmaSmoother } from '../../core/smooth';
import type { LabState } from '../store';
import { useLab } from '../store/hooks';
import { overlayColour } from './colours';

export interface OverlaySeries {
  id: string;
  name: string;
  colour: string;
  /** Smoothed training loss (the raw minibatch noise of several runs would hide the comparison). */
  train: { step: number; smooth: number }[];
  val: { step: number; loss: number }[];
}

/** Overlays share the chart with the live run: fewer points each keeps redraws cheap. */
const MAX_OVERLAY_ROWS = 600;

const selectIds = (s: LabState) => s.overlayIds;
const selectCurves = (s: LabState) => s.overlayCurves;
const selectRuns = (s: LabState) => s.historyRuns;

export function useOverlaySeries(): OverlaySeries[] {
  const ids = useLab(selectIds);
  const curves = useLab(selectCurves);
  const runs = useLab(selectRuns);
  return useMemo(
    () =>
      ids.flatMap((id, i) => {
        const c = curves[id];
        const run = runs.find((r) => r.id === id);
        if (!c || !run) return [];
        return [
          {
            id,
            name: run.name,
            colour: overlayColour(i),
            train: smoothedRows(c.train),
            val: c.val.filter(finiteLoss).map((p) => ({ step: p.step, loss: p.loss })),
          },
        ];
      }),
    [ids, curves, runs],
  );
}

const finiteLoss = (p: { loss: number }) => Number.isFinite(p.loss);

/** Debiased EMA of the training loss, then every k-th row so at most MAX_OVERLAY_ROWS remain. */
export function smoothedRows(points: readonly TrainPoint[]): OverlaySeries['train'] {
  const smoother = new EmaSmoother();
  const rows = points
    .filter(finiteLoss)
    .map((p) => ({ step: p.step, smooth: smoother.push(p.loss) }));
  const k = Math.ceil(rows.length / MAX_OVERLAY_ROWS);
  return k <= 1 ? rows : rows.filter((_, i) => i % k === 0 || i === rows.length - 1);
}

/** The largest step and smoothed/validation loss over all overlays, for the axes. */
export function overlayExtent(series: readonly OverlaySeries[]): { step: number; loss: number } {
  let step = 0;
  let loss = 0;
  for (const s of series) {
    for (const r of s.train) {
      step = Math.max(step, r.step);
      loss = Math.max(loss, r.smooth);
    }
    for (const v of s.val) {
      step = Math.max(step, v.step);
      loss = Math.max(loss, v.loss);
    }
  }
  return { step, loss };
}
