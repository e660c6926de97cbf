/**
 * The active run's checkpoints: written to the store one after another (a save and the delete at
 * the run's end keep their order), and the newest kept in memory too, so a lost device resumes
 * from it without a read.
 */
import {
  packCheckpoint,
  unpackCheckpoint,
  type CheckpointMeta,
  type CheckpointRecord,
  type CheckpointTensors,
} from '../core/checkpoint';
import type { EngineConfig } from '../core/config';
import { toCheckpointConfig } from '../core/config-travel';
import { messageOf, NoCheckpointError } from '../core/errors';
import type { TrainState } from '../engine/run';
import type { CheckpointInfo } from './checkpoint-db';
import type { WorkerEvent } from './protocol';

/** What the queue needs of a store: checkpoint-db.ts in the worker, a Map in tests. */
export interface CheckpointStore {
  save(record: CheckpointRecord): Promise<void>;
  /** The record as written, unchecked (unpackCheckpoint checks it); undefined when none. */
  load(runId: string): Promise<unknown>;
  delete(runId: string): Promise<void>;
  list(): Promise<CheckpointInfo[]>;
}

export type Resumable = { meta: CheckpointMeta; tensors: CheckpointTensors };

export class CheckpointQueue {
  private latest: ({ runId: string } & Resumable) | null = null;
  private writes: Promise<void> = Promise.resolve();

  constructor(
    private readonly store: CheckpointStore,
    private readonly post: (e: WorkerEvent) => void,
  ) {}

  /** Packs `state` and queues its write; the page hears 'checkpoint' once it is stored (or not). */
  keep(runId: string, engineConfig: EngineConfig, state: TrainState): void {
    const { tensors, shapes, ...rest } = state;
    const config = toCheckpointConfig(engineConfig);
    const record = packCheckpoint({ runId, config, savedAt: Date.now(), ...rest }, tensors, shapes);
    this.latest = { runId, meta: record.meta, tensors };
    const step = state.step;
    this.writes = this.writes
      .then(() => this.store.save(record))
      .then(
        () => this.post({ type: 'checkpoint', runId, step }),
        (e: unknown) => this.post({ type: 'checkpoint', runId, step, error: messageOf(e) }),
      );
  }

  /** A finished or diverged run has nothing to resume: its checkpoint goes. */
  forget(runId: string): void {
    if (this.latest?.runId === runId) this.latest = null;
    this.writes = this.writes.then(() => this.store.delete(runId)).catch(() => {});
  }

  async stored(runId: string): Promise<Resumable> {
    if (this.latest?.runId === runId) return this.latest;
    const raw = await this.store.load(runId);
    if (raw === undefined)
      throw new NoCheckpointError('This run has no checkpoint to resume from.');
    return unpackCheckpoint(raw);
  }

  async storedOrNull(runId: string): Promise<Resumable | null> {
    try {
      return await this.stored(runId);
    } catch {
      return null;
    }
  }

  /** Resolves once every write queued so far has settled. */
  settled(): Promise<void> {
    return this.writes;
  }
}
