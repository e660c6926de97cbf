/**
 * The run history in IndexedDB (through `idb`). Two stores: `runs` (one small record per run,
 * for the list) and `points` (the curves, appended in chunks keyed [runId, seq], so a save
 * never rewrites a whole history).
 */
import { openDB, type DBSchema, type IDBPDatabase } from 'idb';
import type { RunCurves, RunExport, RunRecord } from '../../core/run-record';

const DB_NAME = 'super-convergence-lab';
const DB_VERSION = 1;

interface PointChunk extends RunCurves {
  runId: string;
  seq: number;
}

interface HistorySchema extends DBSchema {
  runs: { key: string; value: RunRecord };
  points: { key: [string, number]; value: PointChunk };
}

/** Every chunk key of one run: [id, -∞] … [id, +∞]. */
function chunksOf(id: string): IDBKeyRange {
  return IDBKeyRange.bound([id, -Infinity], [id, Infinity]);
}

export class HistoryDb {
  private constructor(private readonly db: IDBPDatabase<HistorySchema>) {}

  static async open(name = DB_NAME): Promise<HistoryDb> {
    if (typeof indexedDB === 'undefined') throw new Error('this browser has no IndexedDB');
    const db = await openDB<HistorySchema>(name, DB_VERSION, {
      upgrade(db) {
        if (!db.objectStoreNames.contains('runs')) db.createObjectStore('runs', { keyPath: 'id' });
        if (!db.objectStoreNames.contains('points'))
          db.createObjectStore('points', { keyPath: ['runId', 'seq'] });
      },
    });
    return new HistoryDb(db);
  }

  /** Saves a run's record and, in the same transaction, its next chunk of points. */
  async save(
    record: RunRecord,
    chunk: { seq: number; train: RunCurves['train']; val: RunCurves['val'] } | null,
  ): Promise<void> {
    const tx = this.db.transaction(['runs', 'points'], 'readwrite');
    // Every request awaited with the transaction: one failing with it (a full quota) must not
    // surface as an unhandled rejection besides the transaction's own error.
    const writes: Promise<unknown>[] = [tx.objectStore('runs').put(record)];
    if (chunk && chunk.train.length + chunk.val.length > 0)
      writes.push(tx.objectStore('points').put({ runId: record.id, ...chunk }));
    await Promise.all([...writes, tx.done]);
  }

  putRecord(record: RunRecord): Promise<void> {
    return this.save(record, null);
  }

  list(): Promise<RunRecord[]> {
    return this.db.getAll('runs');
  }

  /** A run's curves, its chunks joined in order. */
  async curves(id: string): Promise<RunCurves> {
    const chunks = await this.db.getAll('points', chunksOf(id));
    chunks.sort((a, b) => a.seq - b.seq);
    return { train: chunks.flatMap((c) => c.train), val: chunks.flatMap((c) => c.val) };
  }

  async delete(id: string): Promise<void> {
    const tx = this.db.transaction(['runs', 'points'], 'readwrite');
    await Promise.all([
      tx.objectStore('runs').delete(id),
      tx.objectStore('points').delete(chunksOf(id)),
      tx.done,
    ]);
  }

  /** Stores an imported run whole: its record and one chunk holding all its points. */
  async put(run: RunExport): Promise<void> {
    const { train, val, ...record } = run;
    const tx = this.db.transaction(['runs', 'points'], 'readwrite');
    await Promise.all([
      tx.objectStore('points').delete(chunksOf(run.id)),
      tx.objectStore('runs').put(record),
      tx.objectStore('points').put({ runId: run.id, seq: 0, train, val }),
      tx.done,
    ]);
  }
}
