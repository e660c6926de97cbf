/**
 * Export to PyTorch: one self-contained train.py that reproduces a lab run (same seed-drawn
 * weights, batches, augmentation draws, schedule and update), plus the run's initial weights as a
 * raw file. Pure: the page, the CLI and the tests share it.
 */
import { CONFIG_KEYS, type TrainConfig } from '../config';
import { NUM_CLASSES } from '../dataset';
import { linkToQuery } from '../link';
import { initialWeights, paramSpecs } from '../model-spec';
import { PY_DATA } from './py-data';
import { pyHead } from './py-head';
import { PY_MODEL } from './py-model';
import { PY_RNG } from './py-rng';
import { PY_SCHEDULE } from './py-schedule';
import { PY_TRAIN } from './py-train';

/**
 * The script's text. `query` is the lab link it came from, kept in the script as data; the
 * settings written into it are `config`'s, which callers have read through the URL schema.
 */
export function pytorchScript(config: TrainConfig, query = exportQuery(config)): string {
  return [pyHead(config, query), PY_RNG, PY_MODEL, PY_SCHEDULE, PY_DATA, PY_TRAIN].join('\n');
}

/** The canonical link query for a run's settings (no payload, no hidden controls). */
export function exportQuery(config: TrainConfig): string {
  return linkToQuery({ config });
}

/** Only settings the schema knows, in its order: a record from an older lab may hold others. */
export function schemaConfig(config: TrainConfig): TrainConfig {
  const out: Record<string, unknown> = {};
  for (const key of CONFIG_KEYS) out[key] = config[key];
  return out as unknown as TrainConfig;
}

/**
 * The run's initial weights for `train.py --init`: every parameter of model-spec's list, in its
 * order and layout, as little-endian float32, concatenated.
 */
export function initialWeightsFile(config: TrainConfig): Uint8Array<ArrayBuffer> {
  const arrays = initialWeights(paramSpecs(config.model, NUM_CLASSES[config.dataset]), config.seed);
  const total = arrays.reduce((n, a) => n + a.length, 0);
  const bytes = new Uint8Array(total * 4);
  const view = new DataView(bytes.buffer);
  let at = 0;
  for (const a of arrays) {
    for (const v of a) {
      view.setFloat32(at, v, true);
      at += 4;
    }
  }
  return bytes;
}

/** File names the page and the CLI use. */
export const SCRIPT_FILE = 'train.py';
export const WEIGHTS_FILE = 'init.bin';
