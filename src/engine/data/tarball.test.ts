/** A tarball picked in the page, read in memory with the browser's DecompressionStream (Node has it too). */
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { cifar10Files, RECORD, realCifar10, writeTar } from '../../../test/cifarFixture';
import { datasetFromTarball } from './tarball';

describe('datasetFromTarball', () => {
  it('reads a gzipped tarball (and a plain one) into ready splits', async () => {
    const s = await realCifar10(12);
    const tar = writeTar(cifar10Files(s, 2));
    for (const bytes of [Uint8Array.from(gzipSync(tar)), tar]) {
      const ds = await datasetFromTarball(new File([bytes], 'cifar-10-binary.tar.gz'), 'cifar10');
      expect(ds.manifest.classes[9]).toBe('truck');
      expect(ds.train.total).toBe(10);
      expect(ds.train.available).toBe(10);
      expect(ds.test.available).toBe(2);
      await ds.train.ensure(10);
      expect(ds.train.labels[3]).toBe(s.records[3 * RECORD]);
      expect(ds.test.pixels.subarray(0, 8)).toEqual(
        s.records.subarray(10 * RECORD + 1, 10 * RECORD + 9),
      );
    }
  });

  it('gives the data step’s messages for damaged or wrong files', async () => {
    const s = await realCifar10(12);
    const files = cifar10Files(s, 2);
    const pick = (bytes: Uint8Array, name = 'picked.tar.gz'): File =>
      new File([Uint8Array.from(bytes)], name);

    const truncated = files.map((f) =>
      f.name.endsWith('test_batch.bin') ? { ...f, data: f.data.subarray(0, RECORD + 5) } : f,
    );
    await expect(
      datasetFromTarball(pick(gzipSync(writeTar(truncated))), 'cifar10'),
    ).rejects.toThrow('test_batch.bin: 3,078 bytes, expected a multiple of 3,073');
    await expect(datasetFromTarball(pick(gzipSync(writeTar(files))), 'cifar100')).rejects.toThrow(
      'not a CIFAR-100 tarball: train.bin, test.bin, fine_label_names.txt missing (it looks like CIFAR-10)',
    );
    const garbage = Uint8Array.from([0x1f, 0x8b, 8, 0, ...new Array<number>(500).fill(0x5a)]);
    await expect(datasetFromTarball(pick(garbage), 'cifar10')).rejects.toThrow(
      /^picked\.tar\.gz: gzip data is corrupt/,
    );
    await expect(
      datasetFromTarball(pick(new Uint8Array(2048).fill(65), 'photo.jpg'), 'cifar10'),
    ).rejects.toThrow(/^photo\.jpg: not a tar archive/);
  });
});
