import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { defaultConfig } from '../../core/config';
import type { RunCurves, RunExport, RunRecord } from '../../core/run-record';
import type { TrainPoint } from '../../core/run';
import { applyWorkerEvent, labStore, resetStore } from '../store';
import { isQuotaError, RunRecorder, type HistorySink } from './recorder';

const pt = (step: number): TrainPoint => ({ step, loss: 2 - step / 100, lr: 0.1, momentum: 0.9 });
const state = () => labStore.getState();

/** IndexedDB in memory, with a switch that makes every write fail as a full quota does. */
class FullableSink implements HistorySink {
  full = false;
  records = new Map<string, RunRecord>();
  chunks = new Map<string, RunCurves>();
  private check(): Promise<void> {
    return this.full
      ? Promise.reject(new DOMException('The quota has been exceeded.', 'QuotaExceededError'))
      : Promise.resolve();
  }
  async save(record: RunRecord, chunk: ({ seq: number } & RunCurves) | null) {
    await this.check();
    this.records.set(record.id, record);
    if (chunk) this.chunks.set(`${record.id}/${chunk.seq}`, chunk);
  }
  async put(run: RunExport) {
    await this.check();
    for (const key of [...this.chunks.keys()])
      if (key.startsWith(`${run.id}/`)) this.chunks.delete(key);
    const { train, val, ...record } = run;
    this.records.set(run.id, record);
    this.chunks.set(`${run.id}/0`, { train, val });
  }
  steps(id: string): number[] {
    return [...this.chunks.entries()]
      .filter(([k]) => k.startsWith(`${id}/`))
      .sort(([a], [b]) => Number(a.split('/')[1]) - Number(b.split('/')[1]))
      .flatMap(([, c]) => c.train.map((p) => p.step));
  }
}

let sink: FullableSink;
let recorder: RunRecorder;
let unsubscribe = () => {};

beforeEach(() => {
  resetStore();
  sink = new FullableSink();
  recorder = new RunRecorder(labStore, sink, () => 1_000_000);
  unsubscribe = labStore.subscribe((s) => recorder.observe(s));
});
afterEach(() => unsubscribe());

describe('a full storage quota', () => {
  it('says so, keeps every point in memory, and saves them all once there is room', async () => {
    state().beginRun('r1', { ...defaultConfig(), model: 'shallow3' });
    applyWorkerEvent({ type: 'state', runId: 'r1', state: 'running' });
    applyWorkerEvent({ type: 'trainPoints', runId: 'r1', points: [pt(1), pt(2)] });
    recorder.flush();
    await recorder.settled();
    expect(sink.steps('r1')).toEqual([1, 2]);

    sink.full = true;
    applyWorkerEvent({ type: 'trainPoints', runId: 'r1', points: [pt(3), pt(4)] });
    recorder.flush();
    applyWorkerEvent({ type: 'trainPoints', runId: 'r1', points: [pt(5)] });
    recorder.flush();
    await recorder.settled();
    expect(state().historyFull).toBe(true);
    expect(state().historyError).toMatch(/^Storage is full.*deleting old runs.*kept in memory/);
    expect(sink.steps('r1')).toEqual([1, 2]);
    // Still full: the retry fails the same way and loses nothing.
    recorder.flush();
    await recorder.settled();
    expect(state().trainPoints.map((p) => p.step)).toEqual([1, 2, 3, 4, 5]);

    // The user made room: the next save writes the whole curve, each point once.
    sink.full = false;
    applyWorkerEvent({ type: 'trainPoints', runId: 'r1', points: [pt(6)] });
    recorder.flush();
    await recorder.settled();
    expect(sink.steps('r1')).toEqual([1, 2, 3, 4, 5, 6]);
    expect(state().historyError).toBeNull();
    expect(state().historyFull).toBe(false);

    applyWorkerEvent({ type: 'trainPoints', runId: 'r1', points: [pt(7)] });
    applyWorkerEvent({ type: 'state', runId: 'r1', state: 'done' });
    await recorder.settled();
    expect(sink.steps('r1')).toEqual([1, 2, 3, 4, 5, 6, 7]);
    expect(sink.records.get('r1')).toMatchObject({ status: 'done', trainCount: 7 });
  });

  it('tells a quota error from other storage errors', () => {
    expect(isQuotaError(new DOMException('x', 'QuotaExceededError'))).toBe(true);
    expect(isQuotaError(new Error('QuotaExceededError: the quota was exceeded'))).toBe(true);
    expect(isQuotaError(new DOMException('x', 'UnknownError'))).toBe(false);
    expect(isQuotaError(null)).toBe(false);
  });
});
