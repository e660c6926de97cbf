/**
 * Checkpoints in IndexedDB, written and read by the worker (the page only hears their steps).
 * A database apart from the run history's, so neither one's upgrades touch the other. One
 * checkpoint per run (each save replaces the last); only the newest few runs keep theirs.
 */
import { openDB, type DBSchema, type IDBPDatabase } from 'idb';
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

/** `info` is small (for the list), `data` holds the floats; both keyed by runId. */
interface CheckpointSchema extends DBSchema {
  info: { key: string; value: CheckpointInfo };
  data: { key: string; value: CheckpointRecord };
}

let opened: Promise<IDBPDatabase<CheckpointSchema>> | null = null;

function open(): Promise<IDBPDatabase<CheckpointSchema>> {
  if (typeof indexedDB === 'undefined')
    return Promise.reject(new Error('this browser has no IndexedDB'));
  opened ??= openDB<CheckpointSchema>(DB_NAME, DB_VERSION, {
    upgrade(db) {
      if (!db.objectStoreNames.contains('info')) db.createObjectStore('info', { keyPath: 'runId' });
      if (!db.objectStoreNames.contains('data')) db.createObjectStore('data', { keyPath: 'runId' });
    },
  }).catch((e: unknown) => {
    opened = null;
    throw e;
  });
  return opened;
}

export async function listCheckpoints(): Promise<CheckpointInfo[]> {
  return (await open()).getAll('info');
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
  // All together, so a request failing with the transaction (a full quota) is not left unhandled.
  await Promise.all([
    tx.objectStore('info').put(info),
    tx.objectStore('data').put(record),
    tx.done,
  ]);
  const all = await listCheckpoints();
  const old = all.sort((a, b) => b.savedAt - a.savedAt).slice(CHECKPOINTS_KEPT);
  await Promise.all(old.map((c) => deleteCheckpoint(c.runId)));
}

/** The stored record as it was written, unchecked: core/checkpoint's unpackCheckpoint checks it. */
export async function loadCheckpoint(runId: string): Promise<unknown> {
  return (await open()).get('data', runId);
}

export async function deleteCheckpoint(runId: string): Promise<void> {
  const db = await open();
  const tx = db.transaction(['info', 'data'], 'readwrite');
  await Promise.all([
    tx.objectStore('info').delete(runId),
    tx.objectStore('data').delete(runId),
    tx.done,
  ]);
}
