/**
 * Test fixtures for the data pipeline: real CIFAR-10 records read from the shared tarball (only
 * the first part of it is decompressed) and a minimal ustar writer to build small archives.
 */
import { createReadStream } from 'node:fs';
import { createGunzip } from 'node:zlib';

export const CIFAR10_TARBALL = '/work/shared/datasets/cifar10/cifar-10-binary.tar.gz';
export const RECORD = 3073;

export interface RealSample {
  /** The first records of the archive's first batch file, 3,073 bytes each. */
  records: Uint8Array;
  batchName: string;
  /** The archive's batches.meta.txt. */
  meta: Uint8Array;
  /** The first batch file's full size, from its tar header. */
  batchSize: number;
}

let cached: Promise<RealSample> | undefined;

/** Streams the tarball through gunzip just far enough to get `count` records and the class names. */
export function realCifar10(count = 16): Promise<RealSample> {
  cached ??= scan(Math.max(count, 64));
  return cached.then((s) => ({ ...s, records: s.records.subarray(0, count * RECORD) }));
}

function scan(count: number): Promise<RealSample> {
  return new Promise((resolve, reject) => {
    const gunzip = createGunzip();
    const input = createReadStream(CIFAR10_TARBALL);
    let buf = Buffer.alloc(0);
    let bufStart = 0; // archive offset of buf[0]
    let headerAt = 0;
    let capture: { name: string; at: number; length: number; size: number } | null = null;
    let batch: { name: string; bytes: Uint8Array; size: number } | undefined;
    let meta: Uint8Array | undefined;
    const done = (): void => {
      input.destroy();
      gunzip.destroy();
      if (batch && meta) {
        resolve({ records: batch.bytes, batchName: batch.name, meta, batchSize: batch.size });
      }
    };
    gunzip.on('data', (chunk: Buffer) => {
      buf = Buffer.concat([buf, chunk]);
      for (;;) {
        // Drop what no capture or header needs any more, so skipped files are never held.
        const drop = Math.min(buf.length, (capture?.at ?? headerAt) - bufStart);
        if (drop > 0) {
          buf = buf.subarray(drop);
          bufStart += drop;
        }
        if (capture) {
          const end = capture.at + capture.length;
          if (bufStart + buf.length < end) break;
          const bytes = Uint8Array.from(buf.subarray(capture.at - bufStart, end - bufStart));
          if (capture.name.endsWith('batches.meta.txt')) meta = bytes;
          else batch = { name: capture.name.split('/').pop() ?? '', bytes, size: capture.size };
          capture = null;
          if (batch && meta) return done();
          continue;
        }
        if (bufStart + buf.length < headerAt + 512) break;
        const header = buf.subarray(headerAt - bufStart, headerAt - bufStart + 512);
        const name = header.subarray(0, 100).toString('latin1').replace(/\0.*$/s, '');
        const size =
          parseInt(header.subarray(124, 136).toString('latin1').replace(/\0.*$/s, ''), 8) || 0;
        if (!name) return reject(new Error('fixture: end of archive before the needed files'));
        if (name.endsWith('.bin') && !batch) {
          capture = { name, at: headerAt + 512, length: Math.min(size, count * RECORD), size };
        } else if (name.endsWith('batches.meta.txt')) {
          capture = { name, at: headerAt + 512, length: size, size };
        }
        headerAt += 512 + Math.ceil(size / 512) * 512;
      }
    });
    gunzip.on('end', () => reject(new Error('fixture: the tarball ended before the needed files')));
    gunzip.on('error', reject);
    input.on('error', reject);
    input.pipe(gunzip);
  });
}

export interface FileSpec {
  name: string;
  data: Uint8Array;
}

/** A plain ustar archive (names up to 100 bytes), ended by two zero blocks. */
export function writeTar(files: readonly FileSpec[]): Uint8Array<ArrayBuffer> {
  const parts: Uint8Array[] = [];
  for (const f of files) {
    const header = new Uint8Array(512);
    const put = (text: string, at: number): void => {
      header.set(Buffer.from(text, 'latin1'), at);
    };
    put(f.name, 0);
    put('0000644\0', 100);
    put('0000000\0', 108);
    put('0000000\0', 116);
    put(f.data.length.toString(8).padStart(11, '0') + '\0', 124);
    put('00000000000\0', 136);
    put('        ', 148);
    put('0', 156);
    put('ustar\0' + '00', 257);
    const sum = header.reduce((a, b) => a + b, 0);
    put(sum.toString(8).padStart(6, '0') + '\0 ', 148);
    parts.push(header, f.data, new Uint8Array((512 - (f.data.length % 512)) % 512));
  }
  parts.push(new Uint8Array(1024));
  return Uint8Array.from(Buffer.concat(parts));
}

/** A CIFAR-10-shaped file list built from real records: `perBatch` records in every batch. */
export function cifar10Files(sample: RealSample, perBatch: number): FileSpec[] {
  const take = (i: number): Uint8Array =>
    sample.records.subarray(i * perBatch * RECORD, (i + 1) * perBatch * RECORD);
  const names = [1, 2, 3, 4, 5].map((i) => `data_batch_${i}.bin`).concat('test_batch.bin');
  return [
    ...names.map((n, i) => ({ name: `cifar-10-batches-bin/${n}`, data: take(i) })),
    { name: 'cifar-10-batches-bin/batches.meta.txt', data: sample.meta },
  ];
}
