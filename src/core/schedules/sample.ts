/** The whole run's schedule as points for a preview chart. */
import { scheduleAt, type ScheduleSpec } from './index';

export interface SchedulePoint {
  step: number;
  lr: number;
  momentum: number;
}

/**
 * Every iteration up to `maxPoints`; beyond that, evenly spaced ones plus each bucket's LR
 * extremes, so the peaks of short cycles survive thinning. Always includes the first and last.
 */
export function sampleSchedule(
  spec: ScheduleSpec,
  totalSteps: number,
  stepsPerEpoch: number,
  maxPoints = 600,
): SchedulePoint[] {
  const last = Math.max(0, totalSteps - 1);
  const at = (step: number): SchedulePoint => ({
    step,
    ...scheduleAt(step, spec, totalSteps, stepsPerEpoch),
  });
  if (last + 1 <= maxPoints) return Array.from({ length: last + 1 }, (_, i) => at(i));
  const buckets = Math.max(1, Math.floor(maxPoints / 2));
  // Probe at most ~40 iterations per bucket: enough to find a cycle's corner on most runs.
  const size = (last + 1) / buckets;
  const stride = Math.max(1, Math.floor(size / 40));
  const out: SchedulePoint[] = [];
  for (let b = 0; b < buckets; b++) {
    const from = Math.floor(b * size);
    const to = Math.min(last + 1, Math.floor((b + 1) * size));
    let lo = at(from);
    let hi = lo;
    for (let i = from + stride; i < to; i += stride) {
      const p = at(i);
      if (p.lr < lo.lr) lo = p;
      if (p.lr > hi.lr) hi = p;
    }
    for (const p of lo.step <= hi.step ? [lo, hi] : [hi, lo]) {
      if (out.at(-1)?.step !== p.step) out.push(p);
    }
  }
  if (out[0]?.step !== 0) out.unshift(at(0));
  if (out.at(-1)?.step !== last) out.push(at(last));
  return out;
}
