import { describe, expect, it } from 'vitest';
import { diagnose } from '../../core/diagnosis';
import type { TrainPoint, ValPoint } from '../../core/run';
import { DIAGNOSE_EVERY_MS, liveEvalRows, liveRegions } from './selectors';

/** Loss falls, then (from step 6,000) climbs: the diagnosis marks instability there. */
const train: TrainPoint[] = Array.from({ length: 8000 }, (_, i) => ({
  step: i + 1,
  loss: i < 6000 ? 2.3 - i / 3000 : 0.3 + (i - 6000) / 500,
  lr: 0.1,
  momentum: 0.9,
}));
const val: ValPoint[] = [1000, 2000, 3000].map((step) => ({
  step,
  epoch: step / 1000,
  loss: 2 - step / 2000,
  top1: 0.5,
  top5: 0.9,
}));
const fresh = (t: readonly TrainPoint[], v: readonly ValPoint[]) =>
  diagnose(
    t.map((p) => ({ x: p.step, loss: p.loss })),
    v.map((p) => ({ x: p.step, loss: p.loss })),
  );

describe('liveRegions', () => {
  it('reuses the last diagnosis for new train points within the interval, then re-runs it', () => {
    const first = liveRegions(train.slice(0, 5000), val, 0);
    expect(first.retryInMs).toBeNull();
    expect(first.regions).toEqual(fresh(train.slice(0, 5000), val));
    const later = liveRegions(train, val, 100);
    expect(later.regions).toBe(first.regions);
    expect(later.retryInMs).toBe(DIAGNOSE_EVERY_MS - 100);
    const due = liveRegions(train, val, DIAGNOSE_EVERY_MS);
    expect(due.retryInMs).toBeNull();
    expect(due.regions).toEqual(fresh(train, val));
    expect(due.regions.map((r) => r.kind)).toContain('instability');
    expect(first.regions.map((r) => r.kind)).not.toContain('instability');
  });

  it('re-runs at once for a new evaluation or points that do not extend the last ones', () => {
    liveRegions(train, val, 0);
    const v2 = [...val, { ...val[0]!, step: 4000, loss: 3 }];
    expect(liveRegions(train, v2, 1).regions).toEqual(fresh(train, v2));
    const other = train.slice(0, 7000).map((p) => ({ ...p }));
    expect(liveRegions(other, v2, 2).regions).toEqual(fresh(other, v2));
  });
});

describe('liveEvalRows', () => {
  it('keeps the same array while new train points leave the evaluation rows as they were', () => {
    const a = liveEvalRows(train.slice(0, 4000), val);
    const b = liveEvalRows(train.slice(0, 4020), val);
    expect(b).toBe(a);
    expect(a.map((r) => r.step)).toEqual([1000, 2000, 3000]);
    const c = liveEvalRows(train.slice(0, 4040), val.slice(0, 2));
    expect(c).not.toBe(a);
    expect(c).toHaveLength(2);
  });
});
