/**
 * The shard format that the data step writes and the worker reads. Pure types and constants.
 *
 * A shard file holds `count` label bytes followed by `count × 3072` pixel bytes, each image in
 * the official CIFAR channel-planar order (1,024 red, 1,024 green, 1,024 blue, row-major).
 * Labels first keeps them contiguous, so the worker can read them without touching pixels.
 */
import type { DatasetName } from './config';

export const IMAGE_HEIGHT = 32;
export const IMAGE_WIDTH = 32;
export const IMAGE_CHANNELS = 3;
export const PIXELS_PER_IMAGE = IMAGE_HEIGHT * IMAGE_WIDTH * IMAGE_CHANNELS; // 3,072
/** Images per shard: small enough that training can start after the first ~15 MB. */
export const SHARD_IMAGES = 5_000;
export const MANIFEST_VERSION = 1;

export interface ShardInfo {
  /** File name relative to the manifest. */
  file: string;
  count: number;
  bytes: number;
  /** Hex SHA-256 of the file, checked by the worker before use. */
  sha256: string;
}

export interface SplitInfo {
  count: number;
  shards: ShardInfo[];
}

export interface DatasetManifest {
  version: typeof MANIFEST_VERSION;
  dataset: DatasetName;
  classes: string[];
  layout: {
    height: number;
    width: number;
    channels: number;
    /** 'labels-then-chw': see the comment at the top of this module. */
    format: 'labels-then-chw';
  };
  train: SplitInfo;
  test: SplitInfo;
}

/**
 * The Cache Storage cache the worker keeps checked shards in; the page may empty it to free
 * space (the shards download again when needed). Entries are keyed by SHA-256.
 */
export const SHARD_CACHE_NAME = 'cifar-shards-v1';

/** Where the data step writes and the page reads (served as static files). */
export function manifestPath(dataset: DatasetName): string {
  return `data/${dataset}/manifest.json`;
}

/** Per-channel mean and standard deviation of the CIFAR training sets (0–255 scale). */
export const CHANNEL_STATS: Record<
  DatasetName,
  { mean: [number, number, number]; std: [number, number, number] }
> = {
  cifar10: { mean: [125.3, 123.0, 113.9], std: [63.0, 62.1, 66.7] },
  cifar100: { mean: [129.3, 124.1, 112.4], std: [68.2, 65.4, 70.4] },
};

export const NUM_CLASSES: Record<DatasetName, number> = { cifar10: 10, cifar100: 100 };
