/**
 * The engine-vs-PyTorch twin's shared parts (src/engine/torch-twin.test.ts here, and the GPU
 * check's `twin` stage, scripts/gpu/twin.ts): the run both sides train, and reading the losses
 * back from the exported script's JSONL log.
 */
import { readFileSync } from 'node:fs';
import { defaultConfig, type ModelName, type TrainConfig } from '../../core/config';

/**
 * `steps` steps of `batch` real images with augmentation off, seed 12, 1cycle with cyclical
 * momentum and weight decay: every part of the update. LR ≤ 0.02 keeps batch norm's early steps
 * calm enough that PyTorch's own float32 and float64 agree (see docs/pytorch.md).
 */
export function twinCurveConfig(model: ModelName, batch: number, steps: number): TrainConfig {
  return {
    ...defaultConfig(),
    model,
    trainSize: batch * steps,
    valSize: 8,
    batchSize: batch,
    epochs: 1,
    augment: 'off',
    seed: 12,
    schedule: 'onecycle',
    lrMin: 0.002,
    lrMax: 0.02,
    momMax: 0.95,
    momMin: 0.85,
    momSchedule: 'cyclic',
    wd: 5e-4,
  };
}

/** The training losses of an exported script's run, in step order, from its JSONL log. */
export function trainLossesFromLog(path: string): number[] {
  return readFileSync(path, 'utf8')
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line) as { type: string; loss?: number })
    .filter((r) => r.type === 'train')
    .map((r) => r.loss!);
}
