/**
 * The engine-vs-PyTorch twin's shared parts (src/engine/torch-twin.test.ts here, and the GPU
 * check's `twin` stage, scripts/gpu/twin.ts): the run both sides train, the engine's side of it,
 * and reading PyTorch's losses back from the exported script's JSONL log.
 */
import { readFileSync } from 'node:fs';
import { defaultConfig, type ModelName, type TrainConfig } from '../../core/config';
import type { TrainPoint } from '../../core/run';
import { runTraining } from '../run';
import { memoryDataset, readCifarRecords } from './cifar.node.js';

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

/**
 * The engine's side of the twin: `config` trained on the first `trainSize` records of
 * data_batch_1 in `tarball` (the lab's first training images, as train.py reads them), one
 * readback per step; its outcome and every training loss.
 */
export async function engineCurve(
  config: TrainConfig,
  tarball: string,
): Promise<{ outcome: 'done' | 'stopped' | 'diverged'; losses: number[] }> {
  const train = await readCifarRecords(config.trainSize, tarball, 'data_batch_1.bin');
  const points: TrainPoint[] = [];
  const outcome = await runTraining(
    config,
    memoryDataset(train, train),
    {
      emit: (e) => e.type === 'trainPoints' && points.push(...e.points),
      checkpoint: async () => true,
    },
    { readbackEvery: 1 },
  );
  return { outcome, losses: points.map((p) => p.loss) };
}
