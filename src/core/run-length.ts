/** How long a training run of a configuration is, for the engine and the worker alike. */
import type { TrainConfig } from './config';

export interface RunLength {
  /** Training images the run draws from: the configured size, capped by what the dataset has. */
  images: number;
  /** Whole batches per epoch (a partial last batch is dropped: fixed shapes keep GPU memory flat). */
  stepsPerEpoch: number;
  totalSteps: number;
}

export function runLength(
  config: Pick<TrainConfig, 'trainSize' | 'batchSize' | 'epochs'>,
  datasetImages: number,
): RunLength {
  const images = Math.min(config.trainSize, datasetImages);
  const stepsPerEpoch = Math.floor(images / config.batchSize);
  return { images, stepsPerEpoch, totalSteps: stepsPerEpoch * config.epochs };
}
