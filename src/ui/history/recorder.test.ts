import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { defaultConfig } from '../../core/config';
import type { RunCurves, RunExport, RunRecord } from '../../core/run-record';
import type { TrainPoint } from '../../core/run';
import { applyWorkerEvent, labStore, resetStore } from '../store';
import { RunRecorder, type HistorySink } from './recorder';

const pt = (step: number): TrainPoint => ({ step, loss: 2 - step / 100, lr: 0.1, momentum: 0.9 });
const state = () => labStore.getState();

/** The sink the page uses is IndexedDB; here the same calls land in memory. */
class MemorySink implements HistorySink {
  records = new Map<string, RunRecord>();
  chunks: ({ runId: string; seq: number } & RunCurves)[] = [];
  save(record: RunRecord, chunk: ({ seq: number } & RunCurves) | null) {
    this.records.set(record.id, record);
    if (chunk) this.chunks.push({ runId: record.id, ...chunk });
    return Promise.resolve();
  }
  /** Replaces a run whole, as HistoryDb.put does. */
  put(run: RunExport) {
    const { train, val, ...record } = run;
    this.records.set(run.id, record);
    this.chunks = this.chunks.filter((c) => c.runId !== run.id);
    this.chunks.push({ runId: run.id, seq: 0, train, val });
    return Promise.resolve();
  }
  curves(id: string) {
    const mine = this.chunks.filter((c) => c.runId === id).sort((a, b) => a.seq - b.seq);
    return { train: mine.flatMap((c) => c.train), val: mine.flatMap((c) => c.val) };
  }
}

let clock = 0;
let sink: MemorySink;
let recorder: RunRecorder;
let unsubscribe = () => {};

beforeEach(() => {
  resetStore();
  clock = 1_000_000;
  sink = new MemorySink();
  recorder = new RunRecorder(labStore, sink, () => clock);
  unsubscribe = labStore.subscribe((s) => recorder.observe(s));
});
afterEach(() => unsubscribe());

describe('run recorder', () => {
  it('saves a run at start, batches points until a flush, and saves at once on a state change', async () => {
    state().beginRun('r1', { ...defaultConfig(), model: 'shallow3' });
    await recorder.settled();
    expect(sink.records.get('r1')).toMatchObject({ status: 'starting', trainCount: 0 });

    applyWorkerEvent({ type: 'state', runId: 'r1', state: 'running' });
    applyWorkerEvent({ type: 'trainPoints', runId: 'r1', points: [pt(1), pt(2)] });
    applyWorkerEvent({ type: 'trainPoints', runId: 'r1', points: [pt(3)] });
    await recorder.settled();
    // Points wait for the next flush (every 2 s in the page)...
    expect(sink.records.get('r1')).toMatchObject({ status: 'running', trainCount: 0 });
    clock += 2000;
    recorder.flush();
    await recorder.settled();
    expect(sink.records.get('r1')).toMatchObject({ trainCount: 3, durationSec: 2 });

    applyWorkerEvent({ type: 'trainPoints', runId: 'r1', points: [pt(4)] });
    const val = { step: 4, epoch: 1, loss: 1.7, top1: 0.35, top5: 0.8 };
    applyWorkerEvent({ type: 'valPoint', runId: 'r1', point: val });
    // ...but a state change saves everything so far at once.
    applyWorkerEvent({ type: 'state', runId: 'r1', state: 'done' });
    await recorder.settled();
    expect(sink.records.get('r1')).toMatchObject({
      status: 'done',
      trainCount: 4,
      valCount: 1,
      finalVal: { loss: 1.7, top1: 0.35 },
    });
    expect(sink.curves('r1').train.map((p) => p.step)).toEqual([1, 2, 3, 4]);
    expect(sink.chunks.map((c) => c.seq)).toEqual([0, 1]);
    expect(state().historyRuns.map((r) => r.status)).toEqual(['done']);
  });

  it('a new run finishes saving the old one first, even though the store dropped its points', async () => {
    state().beginRun('a', defaultConfig());
    applyWorkerEvent({ type: 'trainPoints', runId: 'a', points: [pt(1), pt(2)] });
    clock += 1000;
    state().beginRun('b', defaultConfig());
    await recorder.settled();
    expect(sink.curves('a').train).toHaveLength(2);
    expect(sink.records.get('b')?.status).toBe('starting');
    expect(state().historyRuns.map((r) => r.id)).toEqual(['b', 'a']);
  });

  it('keeps a name given while the run trains', async () => {
    state().beginRun('r1', defaultConfig());
    state().renameHistoryRun('r1', 'My run');
    applyWorkerEvent({ type: 'state', runId: 'r1', state: 'running' });
    await recorder.settled();
    expect(sink.records.get('r1')?.name).toBe('My run');
  });

  it('a resumed run keeps its record and its curve up to the checkpoint, then appends', async () => {
    state().beginRun('r1', defaultConfig());
    state().renameHistoryRun('r1', 'Before reload');
    applyWorkerEvent({ type: 'trainPoints', runId: 'r1', points: [pt(1), pt(2), pt(3), pt(4)] });
    applyWorkerEvent({ type: 'checkpoint', runId: 'r1', step: 2 });
    applyWorkerEvent({ type: 'state', runId: 'r1', state: 'failed', message: 'crashed' });
    await recorder.settled();
    const createdAt = sink.records.get('r1')!.createdAt;

    // A reload: a fresh store and recorder; the history lists the run.
    unsubscribe();
    resetStore();
    state().setHistory([...sink.records.values()]);
    recorder = new RunRecorder(labStore, sink, () => clock);
    unsubscribe = labStore.subscribe((st) => recorder.observe(st));
    state().setCheckpoints([{ runId: 'r1', step: 2 }]);
    // The page resumes it: the store holds the curve up to step 2; steps 3, 4 come again.
    clock += 60_000;
    state().beginResume('r1', defaultConfig(), sink.curves('r1'));
    expect(state().trainPoints.map((p) => p.step)).toEqual([1, 2]);
    applyWorkerEvent({ type: 'resumed', runId: 'r1', step: 2, message: 'Resumed' });
    applyWorkerEvent({ type: 'state', runId: 'r1', state: 'running' });
    applyWorkerEvent({ type: 'trainPoints', runId: 'r1', points: [pt(3), pt(4), pt(5)] });
    applyWorkerEvent({ type: 'state', runId: 'r1', state: 'done' });
    await recorder.settled();
    expect(sink.records.get('r1')).toMatchObject({
      name: 'Before reload',
      createdAt,
      status: 'done',
      trainCount: 5,
    });
    expect(sink.curves('r1').train.map((p) => p.step)).toEqual([1, 2, 3, 4, 5]);
    expect(state().historyRuns).toHaveLength(1);
  });

  it('a run that falls back to its checkpoint mid-run rewrites the saved curve', async () => {
    state().beginRun('r1', defaultConfig());
    applyWorkerEvent({ type: 'trainPoints', runId: 'r1', points: [pt(1), pt(2), pt(3)] });
    recorder.flush();
    // A lost device: the run goes on from step 1 on another backend.
    applyWorkerEvent({ type: 'resumed', runId: 'r1', step: 1, message: 'device lost' });
    applyWorkerEvent({ type: 'trainPoints', runId: 'r1', points: [pt(2), pt(3)] });
    recorder.flush();
    await recorder.settled();
    expect(sink.curves('r1').train.map((p) => p.step)).toEqual([1, 2, 3]);
    expect(state().runNotice?.message).toBe('device lost');
  });

  it('does not record a shared result on show', async () => {
    state().showShared(
      {
        config: defaultConfig(),
        name: 'theirs',
        state: 'done',
        backend: null,
        imagesPerSec: 0,
        durationSec: 0,
        totalSteps: 1,
        createdAt: 5,
        train: [pt(1)],
        val: [],
      },
      'payload',
    );
    await recorder.settled();
    expect(sink.records.size).toBe(0);
  });
});

describe('history slice', () => {
  const rec = (id: string, createdAt: number): RunRecord => ({
    id,
    name: id,
    createdAt,
    updatedAt: createdAt,
    config: defaultConfig(),
    status: 'done',
    backend: null,
    imagesPerSec: 0,
    durationSec: 0,
    totalSteps: 0,
    trainCount: 0,
    valCount: 0,
    finalVal: null,
  });

  it('lists newest first, renames, overlays in selection order, and deletes with the overlay', () => {
    state().setHistory([rec('old', 1), rec('new', 3), rec('mid', 2)]);
    expect(state().historyRuns.map((r) => r.id)).toEqual(['new', 'mid', 'old']);
    state().renameHistoryRun('mid', 'Middle');
    expect(state().historyRuns[1]?.name).toBe('Middle');
    state().toggleOverlay('old');
    state().toggleOverlay('new');
    state().setOverlayCurves('old', { train: [pt(1)], val: [] });
    expect(state().overlayIds).toEqual(['old', 'new']);
    state().removeHistoryRun('old');
    expect(state().historyRuns.map((r) => r.id)).toEqual(['new', 'mid']);
    expect(state().overlayIds).toEqual(['new']);
    expect(state().overlayCurves).toEqual({});
    state().toggleOverlay('new');
    expect(state().overlayIds).toEqual([]);
  });

  it('upsert replaces a run in place and adds a new one in date order', () => {
    state().setHistory([rec('a', 1), rec('b', 2)]);
    state().upsertHistoryRun({ ...rec('a', 1), status: 'stopped' });
    state().upsertHistoryRun(rec('c', 3));
    expect(state().historyRuns.map((r) => [r.id, r.status])).toEqual([
      ['c', 'done'],
      ['b', 'done'],
      ['a', 'stopped'],
    ]);
  });
});
