/**
 * Saves every run into the history as it goes: at most every `intervalMs` while points arrive,
 * and at once on each state change, so a reload or crash loses at most the last interval.
 */
import type { StoreApi } from 'zustand';
import { finalVal, type RunCurves, type RunExport, type RunRecord } from '../../core/run-record';
import { OPTION_TEXT } from '../controls/fields';
import type { LabState, RunInfo } from '../store';
import { SHARED_RUN_PREFIX } from '../store/link-slice';

/** Where records go: the IndexedDB wrapper in the page, an in-memory list in tests. */
export interface HistorySink {
  save(record: RunRecord, chunk: ({ seq: number } & RunCurves) | null): Promise<void>;
  /** Replaces a run's record and all its points (a resumed run's curve was cut back). */
  put?(run: RunExport): Promise<void>;
}

interface Tracked {
  record: RunRecord;
  startedAt: number;
  /** Points already handed to the sink. */
  savedTrain: number;
  savedVal: number;
  seq: number;
  /** The latest arrays of this run (kept: a new run clears the store's). */
  train: LabState['trainPoints'];
  val: LabState['valPoints'];
  dirty: boolean;
  /** The saved curves must be rewritten whole: they hold points the run has since dropped. */
  rewrite: boolean;
}

export function defaultRunName(run: RunInfo, at: number): string {
  const when = new Date(at).toLocaleString(undefined, {
    day: 'numeric',
    month: 'short',
    hour: '2-digit',
    minute: '2-digit',
  });
  return `${OPTION_TEXT[run.config.model] ?? run.config.model}, LR ${run.config.lrMax} · ${when}`;
}

export class RunRecorder {
  private current: Tracked | null = null;
  /** Saves run one after another, so chunks land in order. */
  private queue: Promise<void> = Promise.resolve();
  private lastError: unknown = null;

  constructor(
    private readonly store: StoreApi<LabState>,
    private readonly sink: HistorySink,
    private readonly now: () => number = Date.now,
  ) {}

  /** Follows the store; returns a function that stops following (after a final save). */
  start(intervalMs = 2000): () => void {
    const unsubscribe = this.store.subscribe((s) => this.observe(s));
    const timer = setInterval(() => this.flush(), intervalMs);
    this.observe(this.store.getState());
    return () => {
      unsubscribe();
      clearInterval(timer);
      this.flush();
    };
  }

  /** Takes in a store state: a new run starts a record; a state change saves at once. */
  observe(s: LabState): void {
    const run = s.run;
    if (!run || run.runId.startsWith(SHARED_RUN_PREFIX)) return;
    let t = this.current;
    if (!t || t.record.id !== run.runId) {
      if (t) this.flush();
      const at = this.now();
      // A resumed run carries on in its own record (name, start time), its curves rewritten.
      const saved = s.historyRuns.find((r) => r.id === run.runId);
      t = this.current = {
        record: saved
          ? { ...saved, status: run.state }
          : {
              id: run.runId,
              name: defaultRunName(run, at),
              createdAt: at,
              updatedAt: at,
              config: run.config,
              status: run.state,
              backend: null,
              imagesPerSec: 0,
              durationSec: 0,
              totalSteps: 0,
              trainCount: 0,
              valCount: 0,
              finalVal: null,
            },
        startedAt: saved ? at - saved.durationSec * 1000 : at,
        savedTrain: 0,
        savedVal: 0,
        seq: 0,
        train: s.trainPoints,
        val: s.valPoints,
        dirty: true,
        rewrite: saved !== undefined,
      };
      this.flush();
      return;
    }
    if (s.trainPoints.length < t.savedTrain || s.valPoints.length < t.savedVal) t.rewrite = true;
    if (s.trainPoints !== t.train || s.valPoints !== t.val) t.dirty = true;
    t.train = s.trainPoints;
    t.val = s.valPoints;
    const stateChanged = run.state !== t.record.status || run.message !== t.record.message;
    t.record = {
      ...t.record,
      status: run.state,
      message: run.message,
      backend: s.backend?.backend ?? t.record.backend,
      imagesPerSec: run.progress?.imagesPerSec ?? t.record.imagesPerSec,
      totalSteps: run.progress?.totalSteps ?? t.record.totalSteps,
    };
    if (stateChanged) {
      t.dirty = true;
      this.flush();
    }
  }

  /** Hands the unsaved points and the record to the sink, if anything changed. */
  flush(): void {
    const t = this.current;
    if (!t || !t.dirty) return;
    t.dirty = false;
    if (t.rewrite) this.rewrite(t);
    const train = t.train.slice(t.savedTrain);
    const val = t.val.slice(t.savedVal);
    t.savedTrain = t.train.length;
    t.savedVal = t.val.length;
    const at = this.now();
    const record: RunRecord = {
      ...t.record,
      name:
        this.store.getState().historyRuns.find((r) => r.id === t.record.id)?.name ?? t.record.name,
      updatedAt: at,
      durationSec: (at - t.startedAt) / 1000,
      trainCount: t.savedTrain,
      valCount: t.savedVal,
      finalVal: finalVal(t.val),
    };
    t.record = record;
    const chunk = train.length + val.length > 0 ? { seq: t.seq++, train, val } : null;
    this.store.getState().upsertHistoryRun(record);
    this.queue = this.queue
      .then(() => this.sink.save(record, chunk))
      .then(
        () => {
          if (this.lastError) this.store.getState().setHistoryError(null);
          this.lastError = null;
        },
        (e: unknown) => this.saveFailed(t, e),
      );
  }

  /** Replaces the saved curves with the run's current ones; later chunks append to them. */
  private rewrite(t: Tracked): void {
    t.rewrite = false;
    const run = { ...t.record, train: t.train, val: t.val };
    t.savedTrain = t.train.length;
    t.savedVal = t.val.length;
    t.seq = 1;
    const put = this.sink.put?.bind(this.sink);
    if (put) this.queue = this.queue.then(() => put(run)).catch((e) => this.saveFailed(t, e));
  }

  /**
   * A failed save (a full disk, a quota) drops nothing: the run's points stay in memory and the
   * next flush rewrites its whole curve, once the user has made room.
   */
  private saveFailed(t: Tracked, e: unknown): void {
    this.lastError = e;
    t.rewrite = true;
    t.dirty = true;
    const full = isQuotaError(e);
    this.store
      .getState()
      .setHistoryError(
        full
          ? 'Storage is full: the run history could not be saved. Make room by clearing the cached ' +
              'dataset or deleting old runs; this run is kept in memory and saved as soon as there is space.'
          : `Could not save the run history: ${e instanceof Error ? e.message : String(e)}`,
        full,
      );
  }

  /** Resolves once every save handed to the sink so far has finished. */
  settled(): Promise<void> {
    return this.queue;
  }
}

/** IndexedDB reports a full quota as a DOMException named QuotaExceededError. */
export function isQuotaError(e: unknown): boolean {
  const name = (e as { name?: unknown } | null)?.name;
  return name === 'QuotaExceededError' || /quota/i.test(String((e as Error | null)?.message));
}
