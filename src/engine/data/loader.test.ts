/** The shard loader against a real local HTTP server, with shards built from real CIFAR-10 records. */
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { cifar10Files, realCifar10, writeTar } from '../../../test/cifarFixture';
import { buildShards, parseCifarTarball, type CifarData } from '../../core/cifar';
import type { DatasetManifest } from '../../core/dataset';
import { DataMissingError } from '../../core/errors';
import { openDataset, type LoadProgress } from './loader';

const root = mkdtempSync(path.join(tmpdir(), 'loader-'));
const dataDir = path.join(root, 'data', 'cifar10');
const sha256 = (b: Uint8Array): string => createHash('sha256').update(b).digest('hex');

let server: Server;
let base: string;
let data: CifarData;
let manifest: DatasetManifest;
/** Paths the server was asked for, in order. */
let requests: string[] = [];
/** Per-path replacements: a status code or other bytes. */
let overrides = new Map<string, { status: number; body: Uint8Array | string }>();

beforeAll(async () => {
  const sample = await realCifar10(16);
  // 8 training images in shards of 3 (3, 3, 2) and 4 test images (3, 1).
  data = parseCifarTarball('cifar10', writeTar(cifar10Files(sample, 2)));
  data.test = {
    count: 4,
    labels: data.train.labels.slice(0, 4),
    pixels: data.train.pixels.slice(0, 4 * 3072),
  };
  data.train = {
    count: 8,
    labels: data.train.labels.slice(2),
    pixels: data.train.pixels.slice(2 * 3072),
  };
  const built = await buildShards(data, sha256, 3);
  manifest = built.manifest;
  mkdirSync(dataDir, { recursive: true });
  for (const s of built.shards) writeFileSync(path.join(dataDir, s.file), s.bytes);
  writeFileSync(path.join(dataDir, 'manifest.json'), JSON.stringify(manifest));

  server = createServer((req, res) => {
    const url = req.url ?? '/';
    requests.push(url);
    const o = overrides.get(url);
    if (o) {
      res.writeHead(o.status);
      res.end(o.body);
      return;
    }
    try {
      res.end(readFileSync(path.join(root, decodeURIComponent(url.split('?')[0]!))));
    } catch {
      res.writeHead(404);
      res.end('not found');
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
});

afterAll(async () => {
  await new Promise((done) => server.close(done));
  rmSync(root, { recursive: true, force: true });
});

beforeEach(() => {
  requests = [];
  overrides = new Map();
});

/** Cache Storage does not exist in Node: a minimal in-memory one with the methods the loader uses. */
class MemoryCaches {
  readonly entries = new Map<string, Uint8Array>();
  async open(): Promise<Cache> {
    const entries = this.entries;
    const key = (k: RequestInfo | URL): string =>
      typeof k === 'string' ? k : k instanceof URL ? k.href : k.url;
    return {
      async match(k: RequestInfo | URL) {
        const hit = entries.get(key(k));
        return hit ? new Response(hit.slice()) : undefined;
      },
      async put(k: RequestInfo | URL, res: Response) {
        entries.set(key(k), new Uint8Array(await res.arrayBuffer()));
      },
      async delete(k: RequestInfo | URL) {
        return entries.delete(key(k));
      },
    } as unknown as Cache;
  }
}

describe('openDataset', () => {
  it('loads shards in order, once each, when ensure() calls overlap', async () => {
    const progress: LoadProgress[] = [];
    const ds = await openDataset('cifar10', base, (p) => progress.push(p), { caches: null });
    expect(ds.manifest.classes).toHaveLength(10);
    expect(ds.train.total).toBe(8);
    expect(ds.train.available).toBe(0);
    expect(requests).toEqual(['/data/cifar10/manifest.json']);

    await Promise.all([ds.train.ensure(2), ds.train.ensure(7), ds.train.ensure(1)]);
    expect(requests.slice(1)).toEqual([
      '/data/cifar10/train-000.bin',
      '/data/cifar10/train-001.bin',
      '/data/cifar10/train-002.bin',
    ]);
    expect(ds.train.available).toBe(8);
    expect(ds.train.labels).toEqual(data.train.labels);
    expect(ds.train.pixels).toEqual(data.train.pixels);
    expect(progress.map((p) => [p.loaded, p.total, p.source, p.file])).toEqual([
      [3, 12, 'network', 'train-000.bin'],
      [6, 12, 'network', 'train-001.bin'],
      [8, 12, 'network', 'train-002.bin'],
    ]);

    await ds.test.ensure(1000); // more than there is: loads all, no error
    expect(ds.test.available).toBe(4);
    expect(ds.test.pixels).toEqual(data.test.pixels);
  });

  it('refuses a shard whose checksum is wrong, keeps nothing of it, and can retry', async () => {
    const good = readFileSync(path.join(dataDir, 'train-001.bin'));
    const bad = Uint8Array.from(good);
    bad[100] = bad[100]! ^ 1;
    overrides.set('/data/cifar10/train-001.bin', { status: 200, body: bad });
    const ds = await openDataset('cifar10', base, undefined, { caches: null });
    await expect(ds.train.ensure(8)).rejects.toThrow(
      /^train-001\.bin: checksum mismatch .*npm run data -- --force/,
    );
    expect(ds.train.available).toBe(3);
    expect(ds.train.pixels.subarray(3 * 3072).every((b) => b === 0)).toBe(true);

    overrides.clear();
    await ds.train.ensure(8);
    expect(ds.train.available).toBe(8);
    expect(ds.train.pixels).toEqual(data.train.pixels);
  });

  it('names a shard that is missing or the wrong size', async () => {
    overrides.set('/data/cifar10/test-000.bin', { status: 404, body: 'nope' });
    const ds = await openDataset('cifar10', base, undefined, { caches: null });
    await expect(ds.test.ensure(1)).rejects.toThrow(/^test-000\.bin: download failed \(HTTP 404/);
    overrides.set('/data/cifar10/test-000.bin', { status: 200, body: new Uint8Array(10) });
    await expect(ds.test.ensure(1)).rejects.toThrow(
      /^test-000\.bin: 10 bytes, expected 9,219\. Run `npm run data -- --force`/,
    );
  });

  it.each([
    ['a 404', { status: 404, body: 'not found' }, /HTTP 404/],
    [
      'a dev server answering index.html',
      { status: 200, body: '<!doctype html><html></html>' },
      /not a manifest/,
    ],
  ])('explains how to get the data when the manifest is missing (%s)', async (_, answer, why) => {
    overrides.set('/data/cifar10/manifest.json', answer);
    const err = await openDataset('cifar10', base, undefined, { caches: null }).catch(
      (e: Error) => e,
    );
    // The worker tells 'missing' from a bad shard by this type, not by the words.
    expect(err).toBeInstanceOf(DataMissingError);
    expect((err as Error).message).toMatch(why);
    expect((err as Error).message).toMatch(
      /Run `npm run data` to prepare it, or pick cifar-10-binary\.tar\.gz in the page/,
    );
  });

  it('rejects a manifest for another dataset or with bad sums', async () => {
    overrides.set('/data/cifar10/manifest.json', {
      status: 200,
      body: JSON.stringify({ ...manifest, dataset: 'cifar100' }),
    });
    const err = await openDataset('cifar10', base, undefined, { caches: null }).catch(
      (e: Error) => e,
    );
    expect(err).not.toBeInstanceOf(DataMissingError);
    expect((err as Error).message).toMatch(
      /unusable manifest \(dataset cifar100, expected cifar10\)/,
    );
  });

  it('reads shards back from Cache Storage, keyed by SHA-256', async () => {
    const caches = new MemoryCaches();
    const first = await openDataset('cifar10', base, undefined, { caches });
    await first.train.ensure(8);
    expect(caches.entries.size).toBe(3);

    requests = [];
    const sources: string[] = [];
    const second = await openDataset('cifar10', base, (p) => sources.push(p.source), { caches });
    await second.train.ensure(8);
    expect(sources).toEqual(['cache', 'cache', 'cache']);
    expect(requests).toEqual(['/data/cifar10/manifest.json']);
    expect(second.train.pixels).toEqual(data.train.pixels);

    // A rebuilt shard has a new hash: the cached bytes for the old one are not used.
    const rebuilt = Uint8Array.from(readFileSync(path.join(dataDir, 'train-000.bin')));
    rebuilt[0] = (rebuilt[0]! + 1) % 10;
    const m2 = structuredClone(manifest);
    m2.train.shards[0]!.sha256 = sha256(rebuilt);
    overrides.set('/data/cifar10/manifest.json', { status: 200, body: JSON.stringify(m2) });
    overrides.set('/data/cifar10/train-000.bin', { status: 200, body: rebuilt });
    requests = [];
    sources.length = 0;
    const third = await openDataset('cifar10', base, (p) => sources.push(p.source), { caches });
    await third.train.ensure(3);
    expect(sources).toEqual(['network']);
    expect(third.train.labels[0]).toBe(rebuilt[0]);

    // Damaged cache contents under the right key are dropped and fetched again.
    for (const [k, v] of caches.entries) if (k.includes('train-001.bin')) v[50] = v[50]! ^ 1;
    sources.length = 0;
    await third.train.ensure(6);
    expect(sources).toEqual(['network']);
    expect(third.train.pixels.subarray(3 * 3072, 6 * 3072)).toEqual(
      data.train.pixels.subarray(3 * 3072, 6 * 3072),
    );
  });
});
