/**
 * Streams the data step's shards into the worker: the manifest first, then shards in order as
 * training asks for them, each checked against its SHA-256 and kept in Cache Storage so a
 * reload reads the browser's cache instead of the network.
 */
import { decodeShard, manifestProblem, CIFAR_SPECS } from '../../core/cifar';
import type { DatasetName } from '../../core/config';
import { DataMissingError } from '../../core/errors';
import {
  manifestPath,
  PIXELS_PER_IMAGE,
  SHARD_CACHE_NAME,
  type DatasetManifest,
  type ShardInfo,
} from '../../core/dataset';
import { formatInt } from '../../core/tar';
import type { LoadedDataset, SplitData } from './types';

export interface LoadProgress {
  /** Images available in both splits together, and in all. */
  loaded: number;
  total: number;
  /** Where the latest shard came from. */
  source: 'network' | 'cache';
  split: 'train' | 'test';
  /** The shard just loaded. */
  file: string;
}

export interface LoaderOptions {
  /** Cache Storage to keep shards in; defaults to `globalThis.caches` when there is one, null for none. */
  caches?: Pick<CacheStorage, 'open'> | null;
}

/** One cache for all datasets; entries are keyed by SHA-256, so a rebuilt shard never reads a stale copy. */
const CACHE_NAME = SHARD_CACHE_NAME;

/**
 * Reads `data/<dataset>/manifest.json` relative to `baseUrl` (the page's base, ending in `/`) and
 * returns splits whose `ensure(n)` loads shards on demand. Nothing but the manifest is fetched here.
 */
export async function openDataset(
  dataset: DatasetName,
  baseUrl: string | URL,
  onProgress: (p: LoadProgress) => void = () => {},
  options: LoaderOptions = {},
): Promise<LoadedDataset> {
  const manifestUrl = new URL(manifestPath(dataset), baseUrl);
  const manifest = await fetchManifest(dataset, manifestUrl);
  const storage = options.caches !== undefined ? options.caches : (globalThis.caches ?? null);
  const cache = storage ? await storage.open(CACHE_NAME).catch(() => null) : null;

  const splits: Partial<Record<'train' | 'test', ShardedSplit>> = {};
  const report = (split: 'train' | 'test', file: string, source: 'network' | 'cache'): void => {
    const loaded = (splits.train?.available ?? 0) + (splits.test?.available ?? 0);
    onProgress({ loaded, total: manifest.train.count + manifest.test.count, source, split, file });
  };
  const fetcher = new ShardFetcher(manifestUrl, cache);
  const train = new ShardedSplit(manifest.train.count, manifest.train.shards, fetcher, (f, s) =>
    report('train', f, s),
  );
  const test = new ShardedSplit(manifest.test.count, manifest.test.shards, fetcher, (f, s) =>
    report('test', f, s),
  );
  splits.train = train;
  splits.test = test;
  return { manifest, train, test };
}

async function fetchManifest(dataset: DatasetName, url: URL): Promise<DatasetManifest> {
  const spec = CIFAR_SPECS[dataset];
  const missing = (why: string): Error =>
    new DataMissingError(
      `No ${spec.title} data at ${url.href} (${why}). Run \`npm run data\`` +
        `${dataset === 'cifar10' ? '' : ` -- --dataset ${dataset}`} to prepare it, ` +
        `or pick ${spec.tarball} in the page.`,
    );
  let res: Response;
  try {
    res = await fetch(url);
  } catch (err) {
    throw missing(`the request failed: ${(err as Error).message}`);
  }
  if (!res.ok) throw missing(`HTTP ${res.status}`);
  let json: unknown;
  try {
    json = await res.json();
  } catch {
    // A dev server answers unknown paths with index.html, so "not JSON" means "not there".
    throw missing('the answer is not a manifest');
  }
  const problem = manifestProblem(json, dataset);
  if (problem) {
    throw new Error(
      `${url.href}: unusable manifest (${problem}). Run \`npm run data -- --force\` to rebuild it.`,
    );
  }
  return json as DatasetManifest;
}

/** Fetches shards, checks them, and keeps good ones in Cache Storage when there is one. */
class ShardFetcher {
  constructor(
    private readonly manifestUrl: URL,
    private readonly cache: Cache | null,
  ) {}

  async get(
    shard: ShardInfo,
  ): Promise<{ bytes: Uint8Array<ArrayBuffer>; source: 'network' | 'cache' }> {
    const url = new URL(shard.file, this.manifestUrl);
    const key = `${url.href}?sha256=${shard.sha256}`;
    const cached = await this.fromCache(key, shard);
    if (cached) return { bytes: cached, source: 'cache' };

    let res: Response;
    try {
      res = await fetch(url);
    } catch (err) {
      throw new Error(`${shard.file}: download failed (${(err as Error).message})`);
    }
    if (!res.ok)
      throw new Error(`${shard.file}: download failed (HTTP ${res.status} from ${url.href})`);
    const bytes = new Uint8Array(await res.arrayBuffer());
    if (bytes.length !== shard.bytes) {
      throw new Error(
        `${shard.file}: ${formatInt(bytes.length)} bytes, expected ${formatInt(shard.bytes)}. Run \`npm run data -- --force\` to rebuild the data.`,
      );
    }
    const digest = await sha256Hex(bytes);
    if (digest !== shard.sha256) {
      throw new Error(
        `${shard.file}: checksum mismatch (sha256 ${digest.slice(0, 12)}…, expected ${shard.sha256.slice(0, 12)}…). ` +
          'Run `npm run data -- --force` to rebuild the data.',
      );
    }
    // Best effort: a full quota or a private window must not stop training.
    await this.cache?.put(key, new Response(bytes)).catch(() => undefined);
    return { bytes, source: 'network' };
  }

  private async fromCache(key: string, shard: ShardInfo): Promise<Uint8Array<ArrayBuffer> | null> {
    if (!this.cache) return null;
    try {
      const hit = await this.cache.match(key);
      if (!hit) return null;
      const bytes = new Uint8Array(await hit.arrayBuffer());
      // The key names the hash, but storage can still be damaged: check before trusting it.
      if (bytes.length === shard.bytes && (await sha256Hex(bytes)) === shard.sha256) return bytes;
      await this.cache.delete(key);
    } catch {
      // An unreadable cache is the same as an empty one.
    }
    return null;
  }
}

/** A split whose arrays are allocated up front and filled shard by shard, in order. */
class ShardedSplit implements SplitData {
  readonly labels: Uint8Array;
  readonly pixels: Uint8Array;
  available = 0;
  private loadedShards = 0;
  /** The one shard load under way; concurrent `ensure` calls wait on it instead of starting another. */
  private inflight: Promise<void> | null = null;

  constructor(
    readonly total: number,
    private readonly shards: readonly ShardInfo[],
    private readonly fetcher: ShardFetcher,
    private readonly onShard: (file: string, source: 'network' | 'cache') => void,
  ) {
    this.labels = new Uint8Array(total);
    this.pixels = new Uint8Array(total * PIXELS_PER_IMAGE);
  }

  async ensure(n: number): Promise<void> {
    const target = Math.min(n, this.total);
    while (this.available < target) {
      this.inflight ??= this.loadNext().finally(() => {
        this.inflight = null;
      });
      await this.inflight;
    }
  }

  private async loadNext(): Promise<void> {
    const shard = this.shards[this.loadedShards];
    if (!shard)
      throw new Error(
        `the manifest lists ${this.available} images, fewer than its count of ${this.total}`,
      );
    const { bytes, source } = await this.fetcher.get(shard);
    const images = decodeShard(shard.file, bytes, shard.count);
    this.labels.set(images.labels, this.available);
    this.pixels.set(images.pixels, this.available * PIXELS_PER_IMAGE);
    // Marked available only once the whole checked shard is in place.
    this.available += shard.count;
    this.loadedShards++;
    this.onShard(shard.file, source);
  }
}

async function sha256Hex(bytes: Uint8Array<ArrayBuffer>): Promise<string> {
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', bytes));
  return Array.from(digest, (b) => b.toString(16).padStart(2, '0')).join('');
}
