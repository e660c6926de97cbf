/**
 * Checkpoints in IndexedDB, written and read by the worker (the page only hears their steps).
 * A database apart from the run history's, so neither one's upgrades touch the other. One
 * checkpoint per run (each save replaces the last); only the newest few runs keep theirs.
 */
import type { CheckpointRecord } from '../core/checkpoint';

const DB_NAME = 'super-convergence-lab-checkpoints';
const DB_VERSION = 1;
/** Runs whose checkpoints are kept: older ones are pruned at each save. */
export const CHECKPOINTS_KEPT = 3;

export interface CheckpointInfo {
  runId: string;
  step: number;
  savedAt: number;
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

let opened: Promise<IDBDatabase> | null = null;

function open(): Promise<IDBDatabase> {
  if (typeof indexedDB === 'undefined')
    return Promise.reject(new Error('this browser has no IndexedDB'));
  opened ??= (() => {
    const req = indexedDB.open(DB_NAME, DB_VERSION);
    req.onupgradeneeded = () => {
      const db = req.result;
      // `info` is small (for the list), `data` holds the floats.
      if (!db.objectStoreNames.contains('info')) db.createObjectStore('info', { keyPath: 'runId' });
      if (!db.objectStoreNames.contains('data')) db.createObjectStore('data', { keyPath: 'runId' });
    };
    return request(req).catch((e: unknown) => {
      opened = null;
      throw e;
    });
  })();
  return opened;
}

export async function listCheckpoints(): Promise<CheckpointInfo[]> {
  const db = await open();
  const tx = db.transaction('info', 'readonly');
  return request(tx.objectStore('info').getAll() as IDBRequest<CheckpointInfo[]>);
}

/** Stores `record` as its run's checkpoint and prunes all but the newest runs' ones. */
export async function saveCheckpoint(record: CheckpointRecord): Promise<void> {
  const db = await open();
  const info: CheckpointInfo = {
    runId: record.runId,
    step: record.meta.step,
    savedAt: record.meta.savedAt,
  };
  const tx = db.transaction(['info', 'data'], 'readwrite');
  tx.objectStore('info').put(info);
  tx.objectStore('data').put(record);
  await finished(tx);
  const all = await listCheckpoints();
  const old = all.sort((a, b) => b.savedAt - a.savedAt).slice(CHECKPOINTS_KEPT);
  await Promise.all(old.map((c) => deleteCheckpoint(c.runId)));
}

export async function loadCheckpoint(runId: string): Promise<unknown> {
  const db = await open();
  const tx = db.transaction('data', 'readonly');
  return request(tx.objectStore('data').get(runId) as IDBRequest<unknown>);
}

export async function deleteCheckpoint(runId: string): Promise<void> {
  const db = await open();
  const tx = db.transaction(['info', 'data'], 'readwrite');
  tx.objectStore('info').delete(runId);
  tx.objectStore('data').delete(runId);
  await finished(tx);
}
