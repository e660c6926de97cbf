/** Saved runs as the history's export file holds them, for overlay specs. */
import { defaultConfig } from '../src/core/config';
import type { RunExport } from '../src/core/run-record';

/** A finished run with these training losses (one per step) and, optionally, two evaluations. */
export function savedRun(id: string, name: string, losses: number[], withVal: boolean): RunExport {
  const train = losses.map((loss, i) => ({ step: i + 1, loss, lr: 0.1, momentum: 0.9 }));
  const val = withVal
    ? [10, 20].map((step) => ({
        step,
        epoch: step / 20,
        loss: losses[step - 1]! + 0.1,
        top1: 0.3,
        top5: 0.8,
      }))
    : [];
  return {
    id,
    name,
    createdAt: 1_700_000_000_000,
    updatedAt: 1_700_000_000_000,
    config: { ...defaultConfig(), model: 'shallow3' },
    status: 'done',
    backend: 'webgpu',
    imagesPerSec: 1,
    durationSec: 1,
    totalSteps: train.length,
    trainCount: train.length,
    valCount: val.length,
    finalVal: val.length ? { loss: val.at(-1)!.loss, top1: 0.3 } : null,
    train,
    val,
  };
}
