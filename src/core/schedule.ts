/**
 * Learning-rate and momentum schedules: pure functions of the iteration.
 *
 * 1cycle as Smith describes it (2018, Part I, Sec. 4.1): LR rises linearly from lrMin to lrMax
 * over the first half of the cycle and falls back linearly over the second; momentum mirrors it
 * (momMax → momMin → momMax). The cycle spans `cycleFraction` of the run; the remaining
 * iterations anneal LR linearly from lrMin down to lrMin × `annealFactor` at constant momMax.
 */

export interface OneCycleSettings {
  totalSteps: number;
  lrMin: number;
  lrMax: number;
  momMax: number;
  momMin: number;
  /** Share of the run taken by the up-down cycle; the rest anneals. Smith uses ~0.9. */
  cycleFraction?: number;
  /** LR at the very end as a fraction of lrMin (Smith: "several orders of magnitude less"). */
  annealFactor?: number;
}

export interface ScheduleValue {
  lr: number;
  momentum: number;
}

export function oneCycle(step: number, s: OneCycleSettings): ScheduleValue {
  const cycleFraction = s.cycleFraction ?? 0.9;
  const annealFactor = s.annealFactor ?? 0.01;
  const total = Math.max(1, s.totalSteps);
  const cycleSteps = Math.max(2, Math.round(total * cycleFraction));
  const half = cycleSteps / 2;
  const t = Math.min(Math.max(step, 0), total);
  if (t <= half) {
    const p = t / half;
    return { lr: lerp(s.lrMin, s.lrMax, p), momentum: lerp(s.momMax, s.momMin, p) };
  }
  if (t <= cycleSteps) {
    const p = (t - half) / half;
    return { lr: lerp(s.lrMax, s.lrMin, p), momentum: lerp(s.momMin, s.momMax, p) };
  }
  const annealSteps = Math.max(1, total - cycleSteps);
  const p = (t - cycleSteps) / annealSteps;
  return { lr: lerp(s.lrMin, s.lrMin * annealFactor, p), momentum: s.momMax };
}

function lerp(a: number, b: number, p: number): number {
  return a + (b - a) * p;
}
