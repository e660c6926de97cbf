/** Derived chart data shared by several charts, computed once per new set of points. */
import { diagnose, type Region } from '../../core/diagnosis';
import type { TrainPoint, ValPoint } from '../../core/run';
import type { LabState } from '../store';
import { evalRows, type EvalRow } from './eval-rows';
import {
  extendTrainRows,
  MAX_DRAWN,
  thinAppending,
  type DrawnState,
  type TrainRow,
  type TrainRowsState,
} from './series';

export const selectTrain = (s: LabState) => s.trainPoints;
export const selectVal = (s: LabState) => s.valPoints;

/** Iterations per epoch of the current run (0 before one starts). */
export const selectStepsPerEpoch = (s: LabState): number => {
  const p = s.run?.progress;
  if (p && p.epochs > 0 && p.totalSteps > 0) return p.totalSteps / p.epochs;
  const c = s.run?.config;
  return c ? Math.floor(c.trainSize / c.batchSize) : 0;
};

// The store replaces the point arrays when points arrive (appending), so identity is the cache key
// and a new array that starts with the old one only costs its new points.
let trainCache: TrainRowsState | null = null;
let drawnCache: DrawnState<TrainRow> | null = null;
let evalCache: { rows: readonly TrainRow[]; val: readonly ValPoint[]; out: EvalRow[] } | null =
  null;

export function liveTrainRows(train: readonly TrainPoint[]): TrainRow[] {
  trainCache = extendTrainRows(trainCache, train);
  return trainCache.rows;
}

/** The live run's train rows to draw (at most about MAX_DRAWN), thinned by LTTB on the raw loss. */
export function liveDrawnRows(train: readonly TrainPoint[]): TrainRow[] {
  drawnCache = thinAppending(drawnCache, liveTrainRows(train), MAX_DRAWN, (r) => r.loss);
  return drawnCache.drawn;
}

/**
 * The per-evaluation rows. A new train point rarely changes them (each row reads the train side
 * at an evaluation's step, already passed), so equal rows keep the previous array and the
 * per-evaluation charts skip their redraw.
 */
export function liveEvalRows(train: readonly TrainPoint[], val: readonly ValPoint[]): EvalRow[] {
  const rows = liveTrainRows(train);
  if (evalCache?.rows !== rows || evalCache.val !== val) {
    const out = evalRows(rows, val);
    evalCache = { rows, val, out: evalCache && sameRows(evalCache.out, out) ? evalCache.out : out };
  }
  return evalCache.out;
}

function sameRows(a: readonly EvalRow[], b: readonly EvalRow[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) {
    const x = a[i]!;
    const y = b[i]!;
    for (const k of Object.keys(x) as (keyof EvalRow)[]) if (!Object.is(x[k], y[k])) return false;
  }
  return true;
}

let regionsCache: {
  train: readonly TrainPoint[];
  val: readonly ValPoint[];
  regions: Region[];
  at: number;
} | null = null;

/** Below this many train points the diagnosis runs on every new set of points (it is cheap). */
const DIAGNOSE_ALWAYS_BELOW = 5000;
/** Above it, new train points alone re-run it at most this often (it walks every point). */
export const DIAGNOSE_EVERY_MS = 400;

/**
 * The diagnosis of the live run, computed once per new set of points however many components ask.
 * On a long run, train points that only extend the last diagnosed ones reuse its regions for up to
 * DIAGNOSE_EVERY_MS after `now`'s last run; `retryInMs` then says when to ask again. A new
 * evaluation, a short run or other points re-run it at once.
 */
export function liveRegions(
  train: readonly TrainPoint[],
  val: readonly ValPoint[],
  now: number = performance.now(),
): { regions: Region[]; retryInMs: number | null } {
  const c = regionsCache;
  if (c && c.train === train && c.val === val) return { regions: c.regions, retryInMs: null };
  const n = c?.train.length ?? 0;
  if (
    c &&
    c.val === val &&
    n >= DIAGNOSE_ALWAYS_BELOW &&
    train.length >= n &&
    train[n - 1] === c.train[n - 1] &&
    now - c.at < DIAGNOSE_EVERY_MS
  )
    return { regions: c.regions, retryInMs: DIAGNOSE_EVERY_MS - (now - c.at) };
  const regions = diagnose(
    train.map((p) => ({ x: p.step, loss: p.loss })),
    val.map((p) => ({ x: p.step, loss: p.loss })),
  );
  regionsCache = { train, val, regions, at: now };
  return { regions, retryInMs: null };
}
