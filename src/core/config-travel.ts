/**
 * Each boundary's configuration, derived from where every schema field says it travels
 * (config.ts): what the worker is sent and what a checkpoint stores. The page keeps the whole
 * TrainConfig; these are what leave it.
 */
import {
  CONFIG_KEYS,
  restoreConfig,
  SCHEMA,
  type Destination,
  type EngineConfig,
  type TrainConfig,
} from './config';

/** The keys that travel to `dest`, in schema order. */
export function keysTravellingTo(dest: Destination): (keyof TrainConfig)[] {
  return CONFIG_KEYS.filter((key) => SCHEMA[key].travels[dest]);
}

declare const passed: unique symbol;
/**
 * Settings that went through `toWorkerConfig`: the protocol takes no other, so the compiler
 * refuses a page that posts its whole configuration (page state riding along) to the worker.
 */
export type WorkerConfig = EngineConfig & { readonly [passed]: 'worker' };
/** Settings that went through `toCheckpointConfig` (or were restored from a stored checkpoint). */
export type CheckpointConfig = EngineConfig & { readonly [passed]: 'checkpoint' };

// The schema's types guarantee these are exactly EngineConfig's keys (see TravelFor in config.ts).
const WORKER_KEYS = keysTravellingTo('worker') as (keyof EngineConfig)[];
const CHECKPOINT_KEYS = keysTravellingTo('checkpoint') as (keyof EngineConfig)[];

function pick(c: EngineConfig, keys: readonly (keyof EngineConfig)[]): EngineConfig {
  const out: Record<string, unknown> = {};
  for (const key of keys) out[key] = c[key];
  return out as unknown as EngineConfig;
}

/** What a start or range command carries: the training settings, no page state. */
export function toWorkerConfig(c: EngineConfig): WorkerConfig {
  return pick(c, WORKER_KEYS) as WorkerConfig;
}

/** What a checkpoint stores: the settings its run continues with. */
export function toCheckpointConfig(c: EngineConfig): CheckpointConfig {
  return pick(c, CHECKPOINT_KEYS) as CheckpointConfig;
}

/**
 * A stored checkpoint's settings, read leniently: checkpoints saved before the split also hold
 * page keys (mode, range and sweep settings), which are dropped; a bad value takes its default.
 */
export function restoreCheckpointConfig(raw: unknown): CheckpointConfig {
  return restoreConfig(raw, CHECKPOINT_KEYS) as CheckpointConfig;
}
