/** What the training loop reads: image bytes that may still be streaming in, shard by shard. */
import type { DatasetManifest } from '../../core/dataset';

export interface SplitData {
  /** Images in the whole split (the arrays are allocated for all of them up front). */
  readonly total: number;
  /** Images loaded so far: always a prefix, since shards load in order. */
  readonly available: number;
  /** One label byte per image; valid for indices below `available`. */
  readonly labels: Uint8Array;
  /** 3,072 bytes per image, CIFAR channel-planar order; valid below `available`. */
  readonly pixels: Uint8Array;
  /** Loads shards (in order) until at least `n` images are available. Rejects with a readable error. */
  ensure(n: number): Promise<void>;
}

export interface LoadedDataset {
  manifest: DatasetManifest;
  train: SplitData;
  test: SplitData;
}
