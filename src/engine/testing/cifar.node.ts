/**
 * Test helper: reads the first CIFAR-10 training records straight from the official tarball,
 * gunzipping only the first few hundred kilobytes. Test code only (Node APIs).
 */
import { createReadStream } from 'node:fs';
import { createGunzip } from 'node:zlib';
import type { DatasetManifest } from '../../core/dataset';
import { PIXELS_PER_IMAGE, SHARD_IMAGES } from '../../core/dataset';
import type { LoadedDataset, SplitData } from '../data/types';

export const CIFAR10_TARBALL = '/work/shared/datasets/cifar10/cifar-10-binary.tar.gz';
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
 * The first `count` records of the first `.bin` member (data_batch_N order as stored):
 * labels and channel-planar pixels, as the shard format holds them.
 */
export async function readCifarRecords(
  count: number,
  path = CIFAR10_TARBALL,
): Promise<{ labels: Uint8Array; pixels: Uint8Array; member: string }> {
  const tar = await tarPrefix(path, 4096 + count * RECORD);
  let offset = 0;
  while (offset + 512 <= tar.length) {
    const name = tar.toString('latin1', offset, offset + 100).replace(/\0.*$/s, '');
    if (name === '') break;
    const size = parseInt(tar.toString('latin1', offset + 124, offset + 136).trim() || '0', 8);
    const body = offset + 512;
    if (name.endsWith('.bin') && size >= count * RECORD) {
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
