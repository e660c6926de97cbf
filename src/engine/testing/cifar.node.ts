/**
 * Test helper: reads the first CIFAR-10 training records straight from the official tarball,
 * gunzipping only the first few hundred kilobytes (or, for a named member, the whole tarball).
 * Test code only (Node APIs).
 */
import { createReadStream, existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { createGunzip, gunzipSync } from 'node:zlib';
import type { DatasetManifest } from '../../core/dataset';
import { PIXELS_PER_IMAGE, SHARD_IMAGES } from '../../core/dataset';
import type { LoadedDataset, SplitData } from '../data/types';

/** ../shared beside the checkout (as CI lays it out), else the build machines' /work/shared. */
const BESIDE = fileURLToPath(
  new URL('../../../../shared/datasets/cifar10/cifar-10-binary.tar.gz', import.meta.url),
);
export const CIFAR10_TARBALL = existsSync(BESIDE)
  ? BESIDE
  : '/work/shared/datasets/cifar10/cifar-10-binary.tar.gz';
const RECORD = 1 + PIXELS_PER_IMAGE;

/** Decompresses until `bytes` bytes of the tar stream are in hand. */
async function tarPrefix(path: string, bytes: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let have = 0;
  const stream = createReadStream(path).pipe(createGunzip());
  for await (const chunk of stream as AsyncIterable<Buffer>) {
    chunks.push(chunk);
    have += chunk.length;
    if (have >= bytes) break;
  }
  stream.destroy();
  return Buffer.concat(chunks);
}

/**
 * The first `count` records of the first `.bin` member (data_batch_N order as stored), or of the
 * member whose name ends with `member` (e.g. 'data_batch_1.bin', the lab's first training
 * images): labels and channel-planar pixels, as the shard format holds them.
 */
export async function readCifarRecords(
  count: number,
  path = CIFAR10_TARBALL,
  member?: string,
): Promise<{ labels: Uint8Array; pixels: Uint8Array; member: string }> {
  const tar = member
    ? gunzipSync(readFileSync(path))
    : await tarPrefix(path, 4096 + count * RECORD);
  let offset = 0;
  while (offset + 512 <= tar.length) {
    const name = tar.toString('latin1', offset, offset + 100).replace(/\0.*$/s, '');
    if (name === '') break;
    const size = parseInt(tar.toString('latin1', offset + 124, offset + 136).trim() || '0', 8);
    const body = offset + 512;
    if (name.endsWith(member ?? '.bin') && size >= count * RECORD) {
      const labels = new Uint8Array(count);
      const pixels = new Uint8Array(count * PIXELS_PER_IMAGE);
      for (let i = 0; i < count; i++) {
        const r = body + i * RECORD;
        labels[i] = tar[r]!;
        pixels.set(tar.subarray(r + 1, r + RECORD), i * PIXELS_PER_IMAGE);
      }
      return { labels, pixels, member: name };
    }
    offset = body + Math.ceil(size / 512) * 512;
  }
  throw new Error(`No CIFAR .bin member with ${count} records at the start of ${path}`);
}

/** A fully loaded split over given arrays: a data container, `ensure` resolves at once. */
export function memorySplit(labels: Uint8Array, pixels: Uint8Array): SplitData {
  return {
    total: labels.length,
    available: labels.length,
    labels,
    pixels,
    ensure: async (n: number) => {
      if (n > labels.length) throw new Error(`only ${labels.length} images`);
    },
  };
}

export function memoryDataset(
  train: { labels: Uint8Array; pixels: Uint8Array },
  test: { labels: Uint8Array; pixels: Uint8Array },
): LoadedDataset {
  const split = (s: { labels: Uint8Array; pixels: Uint8Array }) => ({
    count: s.labels.length,
    shards: [
      { file: 'memory', count: Math.min(s.labels.length, SHARD_IMAGES), bytes: 0, sha256: '' },
    ],
  });
  const manifest: DatasetManifest = {
    version: 1,
    dataset: 'cifar10',
    classes: [
      'airplane',
      'automobile',
      'bird',
      'cat',
      'deer',
      'dog',
      'frog',
      'horse',
      'ship',
      'truck',
    ],
    layout: { height: 32, width: 32, channels: 3, format: 'labels-then-chw' },
    train: split(train),
    test: split(test),
  };
  return {
    manifest,
    train: memorySplit(train.labels, train.pixels),
    test: memorySplit(test.labels, test.pixels),
  };
}

/** The first `train` records as the training split and the next `test` as the test split. */
export async function cifarDataset(train: number, test: number): Promise<LoadedDataset> {
  const r = await readCifarRecords(train + test);
  const slice = (a: number, b: number) => ({
    labels: r.labels.slice(a, b),
    pixels: r.pixels.slice(a * PIXELS_PER_IMAGE, b * PIXELS_PER_IMAGE),
  });
  return memoryDataset(slice(0, train), slice(train, train + test));
}
