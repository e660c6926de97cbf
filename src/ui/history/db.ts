/**
 * A small promise wrapper over IndexedDB for the run history (the `idb` package is not a
 * dependency). Two stores: `runs` (one small record per run, for the list) and `points` (the
 * curves, appended in chunks keyed [runId, seq], so a save never rewrites a whole history).
 */
import type { RunCurves, RunExport, RunRecord } from '../../core/run-record';

const DB_NAME = 'super-convergence-lab';
const DB_VERSION = 1;

interface PointChunk extends RunCurves {
  runId: string;
  seq: number;
}

function request<T>(req: IDBRequest<T>): Promise<T> {
  return new Promise((resolve, reject) => {
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(req.error ?? new Error('IndexedDB request failed'));
  });
}

function finished(tx: IDBTransaction): Promise<void> {
  return new Promise((resolve, reject) => {
    tx.oncomplete = () => resolve();
    tx.onabort = () => reject(tx.error ?? new Error('IndexedDB transaction aborted'));
    tx.onerror = () => reject(tx.error ?? new Error('IndexedDB transaction failed'));
  });
}

/** Every chunk key of one run: [id, -∞] … [id, +∞]. */
function chunksOf(id: string): IDBKeyRange {
  return IDBKeyRange.bound([id, -Infinity], [id, Infinity]);
}

export class HistoryDb {
  private constructor(private readonly db: IDBDatabase) {}

  static open(name = DB_NAME): Promise<HistoryDb> {
    if (typeof indexedDB === 'undefined')
      return Promise.reject(new Error('this browser has no IndexedDB'));
    const req = indexedDB.open(name, DB_VERSION);
    req.onupgradeneeded = () => {
      const db = req.result;
      if (!db.objectStoreNames.contains('runs')) db.createObjectStore('runs', { keyPath: 'id' });
      if (!db.objectStoreNames.contains('points'))
        db.createObjectStore('points', { keyPath: ['runId', 'seq'] });
    };
    return request(req).then((db) => new HistoryDb(db));
  }

  /** Saves a run's record and, in the same transaction, its next chunk of points. */
  save(
    record: RunRecord,
    chunk: { seq: number; train: RunCurves['train']; val: RunCurves['val'] } | null,
  ) {
    const tx = this.db.transaction(['runs', 'points'], 'readwrite');
    tx.objectStore('runs').put(record);
    if (chunk && chunk.train.length + chunk.val.length > 0)
      tx.objectStore('points').put({ runId: record.id, ...chunk } satisfies PointChunk);
    return finished(tx);
  }

  putRecord(record: RunRecord): Promise<void> {
    return this.save(record, null);
  }

  async list(): Promise<RunRecord[]> {
    const tx = this.db.transaction('runs', 'readonly');
    return request(tx.objectStore('runs').getAll() as IDBRequest<RunRecord[]>);
  }

  /** A run's curves, its chunks joined in order. */
  async curves(id: string): Promise<RunCurves> {
    const tx = this.db.transaction('points', 'readonly');
    const chunks = await request(
      tx.objectStore('points').getAll(chunksOf(id)) as IDBRequest<PointChunk[]>,
    );
    chunks.sort((a, b) => a.seq - b.seq);
    return { train: chunks.flatMap((c) => c.train), val: chunks.flatMap((c) => c.val) };
  }

  delete(id: string): Promise<void> {
    const tx = this.db.transaction(['runs', 'points'], 'readwrite');
    tx.objectStore('runs').delete(id);
    tx.objectStore('points').delete(chunksOf(id));
    return finished(tx);
  }

  /** Stores an imported run whole: its record and one chunk holding all its points. */
  put(run: RunExport): Promise<void> {
    const { train, val, ...record } = run;
    const tx = this.db.transaction(['runs', 'points'], 'readwrite');
    tx.objectStore('points').delete(chunksOf(run.id));
    tx.objectStore('runs').put(record);
    tx.objectStore('points').put({ runId: run.id, seq: 0, train, val } satisfies PointChunk);
    return finished(tx);
  }
}
