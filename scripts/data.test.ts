/** The data step run as a user runs it: a child process on small tarballs built from real records. */
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  cifar10Files,
  RECORD,
  realCifar10,
  writeTar,
  type FileSpec,
  type RealSample,
} from '../test/cifarFixture';
import type { DatasetManifest } from '../src/core/dataset';

const SCRIPT = path.resolve(import.meta.dirname, 'data.ts');
const dir = mkdtempSync(path.join(tmpdir(), 'data-step-'));
let sample: RealSample;
let files: FileSpec[];

interface Result {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs `npm run data -- …args` (without npm) and resolves with its exit code and output. */
function runData(args: string[], env: Record<string, string> = {}): Promise<Result> {
  const childEnv: NodeJS.ProcessEnv = { ...process.env, ...env };
  delete childEnv.CIFAR10_SOURCE;
  if (env.CIFAR10_SOURCE) childEnv.CIFAR10_SOURCE = env.CIFAR10_SOURCE;
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ['--import', 'tsx', SCRIPT, ...args],
      { env: childEnv, cwd: path.dirname(path.dirname(SCRIPT)) },
      (err, stdout, stderr) => {
        const code = err ? (typeof err.code === 'number' ? err.code : -1) : 0;
        resolve({ code, stdout, stderr });
      },
    );
  });
}

function tarball(name: string, list: FileSpec[]): string {
  const file = path.join(dir, name);
  writeFileSync(file, gzipSync(writeTar(list)));
  return file;
}

const sha256 = (b: Uint8Array): string => createHash('sha256').update(b).digest('hex');
const readManifest = (out: string): DatasetManifest =>
  JSON.parse(readFileSync(path.join(out, 'manifest.json'), 'utf8')) as DatasetManifest;

beforeAll(async () => {
  sample = await realCifar10(12);
  files = cifar10Files(sample, 2);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('npm run data', () => {
  it('turns a tarball into checked shards and a manifest, then skips a second run', async () => {
    const out = path.join(dir, 'out-ok');
    const r = await runData(['--from', tarball('ok.tar.gz', files), '--out', out]);
    expect(r.stderr).not.toMatch(/error/);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/train 10 images in 1 shards, test 2 images in 1 shards, 10 classes/);

    const m = readManifest(out);
    expect(m.classes[0]).toBe('airplane');
    expect(m.train.count).toBe(10);
    expect(readdirSync(out).sort()).toEqual(['manifest.json', 'test-000.bin', 'train-000.bin']);
    for (const shard of [...m.train.shards, ...m.test.shards]) {
      const bytes = readFileSync(path.join(out, shard.file));
      expect(bytes.length).toBe(shard.bytes);
      expect(sha256(bytes)).toBe(shard.sha256);
    }
    const test = readFileSync(path.join(out, 'test-000.bin'));
    expect(test[0]).toBe(sample.records[10 * RECORD]); // first test label
    expect(test.subarray(2, 2 + 3072)).toEqual(
      Buffer.from(sample.records.subarray(10 * RECORD + 1, 11 * RECORD)),
    );
    // Nothing left beside the output.
    expect(readdirSync(dir).filter((n) => n.startsWith('.data-tmp'))).toEqual([]);

    const before = statSync(path.join(out, 'train-000.bin')).mtimeMs;
    const again = await runData(['--from', tarball('ok.tar.gz', files), '--out', out]);
    expect(again.code).toBe(0);
    expect(again.stderr).toMatch(/already there \(12 images\); --force rebuilds it/);
    expect(statSync(path.join(out, 'train-000.bin')).mtimeMs).toBe(before);
  });

  it('reads an extracted folder named by $CIFAR10_SOURCE, giving the same shards', async () => {
    const folder = path.join(dir, 'extracted');
    for (const f of files) {
      mkdirSync(path.dirname(path.join(folder, f.name)), { recursive: true });
      writeFileSync(path.join(folder, f.name), f.data);
    }
    const out = path.join(dir, 'out-folder');
    const r = await runData(['--out', out], { CIFAR10_SOURCE: folder });
    expect(r.code).toBe(0);
    const fromTar = path.join(dir, 'out-ok');
    expect(readManifest(out)).toEqual(readManifest(fromTar));
  });

  it('fails in one line naming a truncated batch, and leaves no output', async () => {
    const broken = files.map((f) =>
      f.name.endsWith('data_batch_3.bin') ? { ...f, data: f.data.subarray(0, 2 * RECORD - 1) } : f,
    );
    const out = path.join(dir, 'out-truncated');
    const r = await runData(['--from', tarball('truncated.tar.gz', broken), '--out', out]);
    expect(r.code).toBe(1);
    expect(r.stderr.trim().split('\n').pop()).toBe(
      'data: data_batch_3.bin: 6,145 bytes, expected a multiple of 3,073',
    );
    expect(r.stderr).not.toMatch(/\n\s+at /); // no stack trace
    expect(existsSync(out)).toBe(false);
  });

  it.each([
    [
      'garbage',
      () => Buffer.concat([Buffer.from([0x1f, 0x8b, 8, 0]), Buffer.alloc(2000, 0x5a)]),
      /garbage\.tar\.gz: gzip data is corrupt/,
    ],
    [
      'cut',
      () => gzipSync(writeTar(files)).subarray(0, 20_000),
      /cut\.tar\.gz: gzip data is corrupt \(unexpected end of file\)/,
    ],
    [
      'no-batch-2',
      () => gzipSync(writeTar(files.filter((f) => !f.name.endsWith('data_batch_2.bin')))),
      /not a CIFAR-10 tarball: data_batch_2\.bin missing/,
    ],
    [
      'not-a-tar',
      () => gzipSync(Buffer.alloc(3000, 0x41)),
      /not-a-tar\.tar\.gz: not a tar archive/,
    ],
  ])('rejects %s.tar.gz with exit 1 and one line', async (name, bytes, message) => {
    const file = path.join(dir, `${name}.tar.gz`);
    writeFileSync(file, bytes());
    const r = await runData(['--from', file, '--out', path.join(dir, `out-${name}`)]);
    expect(r.code).toBe(1);
    expect(r.stderr.trim().split('\n').pop()).toMatch(message);
    expect(r.stderr).not.toMatch(/unexpected error|\n\s+at /);
  });

  it('offline with no source: exit 1 and says how to get the file and where to point it', async () => {
    const closed = await listen(() => {});
    const port = (closed.address() as AddressInfo).port;
    await new Promise((done) => closed.close(done));
    const r = await runData(['--out', path.join(dir, 'out-offline')], {
      CIFAR_MIRROR: `http://127.0.0.1:${port}/`,
    });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(
      /could not download http:\/\/127\.0\.0\.1:\d+\/cifar-10-binary\.tar\.gz/,
    );
    expect(r.stderr).toMatch(/--from \/path\/to\/cifar-10-binary\.tar\.gz/);
    expect(r.stderr).toMatch(/CIFAR10_SOURCE=/);
    expect(r.stderr).toMatch(/pick the tarball in the page/);
  });

  it('downloads with a progress bar and refuses a file whose MD5 is not the official one', async () => {
    const body = gzipSync(writeTar(files));
    const server = await listen((req, res) => {
      res.writeHead(req.url === '/kriz/cifar-10-binary.tar.gz' ? 200 : 404, {
        'content-length': body.length,
      });
      res.end(body);
    });
    const port = (server.address() as AddressInfo).port;
    try {
      const r = await runData(['--out', path.join(dir, 'out-md5')], {
        CIFAR_MIRROR: `http://127.0.0.1:${port}/kriz/`,
      });
      expect(r.code).toBe(1);
      expect(r.stderr).toMatch(/\[#+\] 100% /);
      expect(r.stderr).toMatch(/MD5 [0-9a-f]{32}, expected c32a1d4ab5d03f1284b67883e8d87530/);
    } finally {
      await new Promise((done) => server.close(done));
    }
  });
});

function listen(handler: Parameters<typeof createServer>[1]): Promise<Server> {
  return new Promise((resolve) => {
    const server = createServer(handler);
    server.listen(0, '127.0.0.1', () => resolve(server));
  });
}
