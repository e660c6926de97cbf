/**
 * 1cycle with cosine annealing, as PyTorch's `OneCycleLR` and fastai's `fit_one_cycle` do it.
 *
 * Both anneal with cos(start, end, p) = end + (start − end)·(1 + cos πp)/2 and start at
 * initial = max / div. They differ in where the phases end and where the LR ends:
 * - PyTorch: final = initial / finalDiv; phase 1 spans iterations 0..pct·T − 1 and phase 2 runs
 *   from there to T − 1 (p measured between those indices). With three phases: initial → max over
 *   0..pct·T − 1, max → initial to 2·pct·T − 2, then initial → final to T − 1 at momentum max.
 * - fastai: final = max / finalDiv; p = i / T, split at pctStart.
 * Momentum runs the other way: max → min while LR rises, min → max while it falls.
 */
import type { MomentumSpec, ScheduleValue } from './types';

export interface OneCycleCosSpec {
  kind: 'onecycle-cos';
  convention: 'pytorch' | 'fastai';
  maxLr: number;
  /** Initial LR = maxLr / divFactor (both libraries default to 25). */
  divFactor: number;
  /** PyTorch: final = initial / finalDiv (default 1e4); fastai: final = max / finalDiv (1e5). */
  finalDiv: number;
  /** Share of the run spent rising (PyTorch default 0.3, fastai 0.25). */
  pctStart: number;
  /** PyTorch only: a symmetric up-down, then a third phase down to the final LR. */
  threePhase?: boolean;
  momentum: MomentumSpec;
}

/** Cosine from start (p = 0) to end (p = 1). */
export function cosAnneal(start: number, end: number, p: number): number {
  // Exact at the ends, so a run starts at exactly the LR its settings name.
  if (p <= 0) return start;
  if (p >= 1) return end;
  return end + ((start - end) / 2) * (1 + Math.cos(Math.PI * p));
}

interface Phase {
  end: number;
  lr: [number, number];
  mom: [number, number];
}

export function oneCycleCos(step: number, s: OneCycleCosSpec, totalSteps: number): ScheduleValue {
  const T = Math.max(1, totalSteps);
  const initial = s.maxLr / s.divFactor;
  const final = s.convention === 'pytorch' ? initial / s.finalDiv : s.maxLr / s.finalDiv;
  const m = s.momentum;
  const [mHi, mLo] = m.kind === 'cyclic' ? [m.max, m.min] : [m.value, m.value];
  const phases: Phase[] =
    s.convention === 'fastai'
      ? // fastai's positions i / T, rescaled to iterations so both conventions share one walk.
        [
          { end: s.pctStart * T, lr: [initial, s.maxLr], mom: [mHi, mLo] },
          { end: T, lr: [s.maxLr, final], mom: [mLo, mHi] },
        ]
      : s.threePhase
        ? [
            { end: s.pctStart * T - 1, lr: [initial, s.maxLr], mom: [mHi, mLo] },
            { end: 2 * s.pctStart * T - 2, lr: [s.maxLr, initial], mom: [mLo, mHi] },
            { end: T - 1, lr: [initial, final], mom: [mHi, mHi] },
          ]
        : [
            { end: s.pctStart * T - 1, lr: [initial, s.maxLr], mom: [mHi, mLo] },
            { end: T - 1, lr: [s.maxLr, final], mom: [mLo, mHi] },
          ];
  const last = s.convention === 'fastai' ? T : T - 1;
  const i = Math.min(Math.max(step, 0), last);
  // fastai switches phase at p ≥ pctStart; PyTorch stays in a phase through its end index.
  const inPhase = (ph: Phase) => (s.convention === 'fastai' ? i < ph.end : i <= ph.end);
  const found = phases.findIndex(inPhase);
  const k = found === -1 ? phases.length - 1 : found;
  const ph = phases[k]!;
  const start = k === 0 ? 0 : phases[k - 1]!.end;
  const span = ph.end - start;
  // A phase shorter than one iteration (tiny runs) is already at its end.
  const p = span > 0 ? Math.min(1, Math.max(0, (i - start) / span)) : 1;
  return { lr: cosAnneal(ph.lr[0], ph.lr[1], p), momentum: cosAnneal(ph.mom[0], ph.mom[1], p) };
}
