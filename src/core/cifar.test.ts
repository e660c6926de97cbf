import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { cifar10Files, RECORD, realCifar10, writeTar } from '../../test/cifarFixture';
import {
  buildShards,
  decodeShard,
  findCifarFiles,
  manifestProblem,
  parseBatch,
  parseCifarTarball,
  parseClassNames,
} from './cifar';
import { PIXELS_PER_IMAGE } from './dataset';
import { readTar } from './tar';

const CLASSES = [
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
];
const sha256 = (b: Uint8Array): string => createHash('sha256').update(b).digest('hex');

describe('CIFAR-10 records from the real tarball', () => {
  it('parses the first records: labels 0–9, pixels after the label byte', async () => {
    const s = await realCifar10(32);
    const batch = parseBatch('cifar10', s.batchName, s.records);
    expect(batch.count).toBe(32);
    expect(batch.labels.every((l) => l <= 9)).toBe(true);
    expect(new Set(batch.labels).size).toBeGreaterThan(3); // shuffled batches mix classes
    for (const i of [0, 17, 31]) {
      expect(batch.labels[i]).toBe(s.records[i * RECORD]);
      const px = batch.pixels.subarray(i * PIXELS_PER_IMAGE, (i + 1) * PIXELS_PER_IMAGE);
      expect(px).toEqual(s.records.subarray(i * RECORD + 1, (i + 1) * RECORD));
    }
    // A whole batch file is 10,000 records of 3,073 bytes.
    expect(s.batchSize).toBe(30_730_000);
    expect(s.batchSize % RECORD).toBe(0);
    expect(s.batchSize / RECORD).toBe(10_000);
  });

  it('reads the class names from batches.meta.txt', async () => {
    const s = await realCifar10();
    expect(parseClassNames('cifar10', 'batches.meta.txt', s.meta)).toEqual(CLASSES);
  });

  it('reports a truncated batch with the file name and sizes', async () => {
    const s = await realCifar10(2);
    expect(() =>
      parseBatch('cifar10', 'data_batch_3.bin', s.records.subarray(0, 2 * RECORD - 1)),
    ).toThrow('data_batch_3.bin: 6,145 bytes, expected a multiple of 3,073');
    expect(() => parseBatch('cifar10', 'data_batch_3.bin', new Uint8Array(30_729_999))).toThrow(
      'data_batch_3.bin: 30,729,999 bytes, expected a multiple of 3,073',
    );
    expect(() => parseBatch('cifar10', 'test_batch.bin', new Uint8Array(0))).toThrow(
      'test_batch.bin: 0 bytes, expected a multiple of 3,073',
    );
  });

  it('rejects a label out of range, naming the record', async () => {
    const bytes = Uint8Array.from((await realCifar10(3)).records);
    bytes[2 * RECORD] = 10;
    expect(() => parseBatch('cifar10', 'data_batch_1.bin', bytes)).toThrow(
      'data_batch_1.bin: record 2 has label 10, expected 0–9',
    );
  });

  it('parses a whole (small) tarball: train batches 1–5 in order, then the test batch', async () => {
    const s = await realCifar10(12);
    const data = parseCifarTarball('cifar10', writeTar(cifar10Files(s, 2)));
    expect(data.classes).toEqual(CLASSES);
    expect(data.train.count).toBe(10);
    expect(data.test.count).toBe(2);
    const labelsOf = (from: number, n: number): number[] =>
      Array.from({ length: n }, (_, i) => s.records[(from + i) * RECORD]!);
    expect(Array.from(data.train.labels)).toEqual(labelsOf(0, 10));
    expect(Array.from(data.test.labels)).toEqual(labelsOf(10, 2));
    expect(data.test.pixels.subarray(0, 5)).toEqual(
      s.records.subarray(10 * RECORD + 1, 10 * RECORD + 6),
    );
  });

  it('names the missing files of an incomplete or different tarball', async () => {
    const s = await realCifar10(12);
    const files = readTar(
      writeTar(cifar10Files(s, 2).filter((f) => !f.name.endsWith('data_batch_2.bin'))),
    );
    expect(() => findCifarFiles('cifar10', files)).toThrow(
      'not a CIFAR-10 tarball: data_batch_2.bin missing',
    );
    expect(() => findCifarFiles('cifar100', readTar(writeTar(cifar10Files(s, 2))))).toThrow(
      'not a CIFAR-100 tarball: train.bin, test.bin, fine_label_names.txt missing (it looks like CIFAR-10)',
    );
  });
});

describe('CIFAR-100 records', () => {
  it('uses the fine label (second byte) and checks both ranges', async () => {
    const s = await realCifar10(3);
    const record = (coarse: number, fine: number, i: number): Uint8Array =>
      Uint8Array.from([coarse, fine, ...s.records.subarray(i * RECORD + 1, (i + 1) * RECORD)]);
    const bytes = Buffer.concat([record(4, 57, 0), record(19, 99, 1), record(0, 0, 2)]);
    const batch = parseBatch('cifar100', 'train.bin', bytes);
    expect(Array.from(batch.labels)).toEqual([57, 99, 0]);
    expect(batch.pixels.subarray(PIXELS_PER_IMAGE, PIXELS_PER_IMAGE + 4)).toEqual(
      s.records.subarray(RECORD + 1, RECORD + 5),
    );
    expect(() => parseBatch('cifar100', 'train.bin', bytes.subarray(1))).toThrow(
      'train.bin: 9,221 bytes, expected a multiple of 3,074',
    );
    expect(() => parseBatch('cifar100', 'test.bin', record(3, 100, 0))).toThrow(
      'test.bin: record 0 has label 100, expected 0–99',
    );
    expect(() => parseBatch('cifar100', 'test.bin', record(20, 5, 0))).toThrow(/coarse label 20/);
    expect(() => parseClassNames('cifar100', 'fine_label_names.txt', s.meta)).toThrow(
      'fine_label_names.txt: 10 class names, expected 100',
    );
  });
});

describe('shards and manifest', () => {
  it('writes labels-then-chw shards of at most N images with their SHA-256', async () => {
    const s = await realCifar10(12);
    const data = parseCifarTarball('cifar10', writeTar(cifar10Files(s, 2)));
    const { manifest, shards } = await buildShards(data, sha256, 4);
    expect(shards.map((x) => x.file)).toEqual([
      'train-000.bin',
      'train-001.bin',
      'train-002.bin',
      'test-000.bin',
    ]);
    expect(manifest.train.shards.map((x) => x.count)).toEqual([4, 4, 2]);
    expect(manifest.test).toMatchObject({
      count: 2,
      shards: [{ file: 'test-000.bin', count: 2, bytes: 2 * RECORD }],
    });
    const second = shards[1]!;
    expect(manifest.train.shards[1]!.sha256).toBe(sha256(second.bytes));
    // Labels of images 4..7 first, then their pixels in record order.
    expect(Array.from(second.bytes.subarray(0, 4))).toEqual(
      Array.from(data.train.labels.subarray(4, 8)),
    );
    expect(second.bytes.subarray(4, 4 + PIXELS_PER_IMAGE)).toEqual(
      s.records.subarray(4 * RECORD + 1, 5 * RECORD),
    );
    const decoded = decodeShard(second.file, second.bytes, 4);
    expect(decoded.pixels).toEqual(
      data.train.pixels.subarray(4 * PIXELS_PER_IMAGE, 8 * PIXELS_PER_IMAGE),
    );
    expect(() => decodeShard('train-001.bin', second.bytes.subarray(1), 4)).toThrow(
      'train-001.bin: 12,291 bytes, expected 12,292',
    );

    expect(manifestProblem(manifest, 'cifar10')).toBeNull();
    expect(manifestProblem(manifest, 'cifar100')).toMatch(/dataset cifar10/);
    const bad = structuredClone(manifest);
    bad.train.count = 11;
    expect(manifestProblem(bad, 'cifar10')).toBe('train shards hold 10 images, expected 11');
    expect(manifestProblem('<!doctype html>', 'cifar10')).toBe('not a JSON object');
  });
});
