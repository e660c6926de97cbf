/** Derived chart data shared by several charts, computed once per new set of points. */
import type { TrainPoint, ValPoint } from '../../core/run';
import type { LabState } from '../store';
import { evalRows, type EvalRow } from './eval-rows';
import { trainRows, type TrainRow } from './series';

export const selectTrain = (s: LabState) => s.trainPoints;
export const selectVal = (s: LabState) => s.valPoints;

/** Iterations per epoch of the current run (0 before one starts). */
export const selectStepsPerEpoch = (s: LabState): number => {
  const p = s.run?.progress;
  if (p && p.epochs > 0 && p.totalSteps > 0) return p.totalSteps / p.epochs;
  const c = s.run?.config;
  return c ? Math.floor(c.trainSize / c.batchSize) : 0;
};

// The store replaces the point arrays when points arrive, so identity is the cache key.
let trainCache: { train: readonly TrainPoint[]; rows: TrainRow[] } | null = null;
let evalCache: { rows: readonly TrainRow[]; val: readonly ValPoint[]; out: EvalRow[] } | null =
  null;

export function liveTrainRows(train: readonly TrainPoint[]): TrainRow[] {
  if (trainCache?.train !== train) trainCache = { train, rows: trainRows(train) };
  return trainCache.rows;
}

export function liveEvalRows(train: readonly TrainPoint[], val: readonly ValPoint[]): EvalRow[] {
  const rows = liveTrainRows(train);
  if (evalCache?.rows !== rows || evalCache.val !== val)
    evalCache = { rows, val, out: evalRows(rows, val) };
  return evalCache.out;
}
