/**
 * A training checkpoint as stored (IndexedDB in the worker): a small JSON-able header plus every
 * float of the run's state in one ArrayBuffer, so a save is one structured clone, not hundreds.
 * Reading one is untrusted (a stale or corrupt record): `unpackCheckpoint` checks every length.
 */
import { restoreCheckpointConfig, type CheckpointConfig } from './config-travel';

export const CHECKPOINT_VERSION = 1;

/** The tensors a run needs to continue exactly: weights, BN running stats, momentum buffers. */
export interface CheckpointTensors {
  params: Float32Array[];
  stats: Float32Array[];
  velocities: Float32Array[];
}

export type CheckpointShapes = { [K in keyof CheckpointTensors]: number[][] };

export interface CheckpointMeta {
  version: typeof CHECKPOINT_VERSION;
  runId: string;
  /** The training settings only (`toCheckpointConfig`): page state does not resume a run. */
  config: CheckpointConfig;
  /** Steps done; training continues at step + 1 (data order and schedule follow from it). */
  step: number;
  totalSteps: number;
  /** Seed of the augmentation Rng as it stands after `step` steps. */
  augmentSeed: number;
  /** Training seconds before this checkpoint (validation points' clock continues from it). */
  elapsedSec: number;
  /** ms since 1970. */
  savedAt: number;
  shapes: CheckpointShapes;
}

export interface CheckpointRecord {
  runId: string;
  meta: CheckpointMeta;
  data: ArrayBuffer;
}

const GROUPS = ['params', 'stats', 'velocities'] as const;

const sizeOf = (shape: readonly number[]) => shape.reduce((a, b) => a * b, 1);

export function packCheckpoint(
  meta: Omit<CheckpointMeta, 'version' | 'shapes'>,
  tensors: CheckpointTensors,
  shapes: CheckpointShapes,
): CheckpointRecord {
  let total = 0;
  for (const g of GROUPS) {
    if (tensors[g].length !== shapes[g].length)
      throw new Error(`checkpoint: ${g} has ${tensors[g].length} arrays for ${shapes[g].length}`);
    tensors[g].forEach((a, i) => {
      if (a.length !== sizeOf(shapes[g][i]!))
        throw new Error(`checkpoint: ${g}[${i}] does not match its shape`);
      total += a.length;
    });
  }
  const data = new Float32Array(total);
  let offset = 0;
  for (const g of GROUPS)
    for (const a of tensors[g]) {
      data.set(a, offset);
      offset += a.length;
    }
  return {
    runId: meta.runId,
    meta: { ...meta, version: CHECKPOINT_VERSION, shapes },
    data: data.buffer,
  };
}

/** Reads a stored checkpoint back; throws with a reason when it is not one this lab can use. */
export function unpackCheckpoint(raw: unknown): {
  meta: CheckpointMeta;
  tensors: CheckpointTensors;
} {
  if (typeof raw !== 'object' || raw === null) throw new Error('checkpoint: not a record');
  const { meta, data } = raw as Partial<CheckpointRecord>;
  if (!meta || meta.version !== CHECKPOINT_VERSION)
    throw new Error('checkpoint: made by another version of the lab');
  if (!(data instanceof ArrayBuffer) || data.byteLength % 4 !== 0)
    throw new Error('checkpoint: no data');
  if (!Number.isInteger(meta.step) || meta.step < 0) throw new Error('checkpoint: bad step');
  const floats = new Float32Array(data);
  const tensors: CheckpointTensors = { params: [], stats: [], velocities: [] };
  let offset = 0;
  for (const g of GROUPS) {
    const shapes = meta.shapes?.[g];
    if (!Array.isArray(shapes)) throw new Error(`checkpoint: no ${g} shapes`);
    for (const shape of shapes) {
      if (!Array.isArray(shape) || !shape.every((d) => Number.isInteger(d) && d > 0))
        throw new Error(`checkpoint: bad ${g} shape`);
      const n = sizeOf(shape);
      if (offset + n > floats.length) throw new Error('checkpoint: data is truncated');
      tensors[g].push(floats.slice(offset, offset + n));
      offset += n;
    }
  }
  if (offset !== floats.length) throw new Error('checkpoint: data has extra bytes');
  // Checkpoints stored before the settings split also hold page keys: they are dropped here.
  return { meta: { ...meta, config: restoreCheckpointConfig(meta.config) }, tensors };
}

/**
 * The seed of an Rng (src/core/rng.ts, mulberry32) that continues where Rng(seed) stands after
 * `draws` calls of next(): its state only ever adds 0x6d2b79f5 per draw.
 */
export function rngSeedAfter(seed: number, draws: number): number {
  // Math.imul takes its arguments modulo 2^32 (ToInt32), exactly as the state wraps.
  const step = Math.imul(draws, 0x6d2b79f5) >>> 0;
  return ((seed >>> 0) + step) >>> 0;
}
