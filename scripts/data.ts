/**
 * The data step: official CIFAR tarball (or its extracted folder) → public/data/<dataset>/
 * shards + manifest.json, which the worker streams and checks.
 *
 *   npm run data -- [--dataset cifar10|cifar100] [--from PATH] [--out DIR] [--force]
 *
 * Source order: --from, then $CIFAR10_SOURCE / $CIFAR100_SOURCE, then the official download
 * ($CIFAR_MIRROR replaces https://www.cs.toronto.edu/~kriz/ for a mirror).
 */
import { createHash } from 'node:crypto';
import { promises as fs, rmSync } from 'node:fs';
import path from 'node:path';
import { parseArgs, promisify } from 'node:util';
import { gunzip as gunzipCb } from 'node:zlib';
import { DATASETS, type DatasetName } from '../src/core/config';
import {
  buildShards,
  CIFAR_SPECS,
  manifestProblem,
  neededFiles,
  parseCifar,
  type CifarData,
} from '../src/core/cifar';
import type { DatasetManifest } from '../src/core/dataset';
import { formatInt, readTar, type TarFile } from '../src/core/tar';

const gunzip = promisify(gunzipCb);

const OFFICIAL: Record<DatasetName, { md5: string; bytes: number }> = {
  cifar10: { md5: 'c32a1d4ab5d03f1284b67883e8d87530', bytes: 170_052_171 },
  cifar100: { md5: '03b5dce01913d631647c71ecec9e9cb8', bytes: 168_513_733 },
};
const OFFICIAL_BASE = 'https://www.cs.toronto.edu/~kriz/';
const ENV_SOURCE: Record<DatasetName, string> = {
  cifar10: 'CIFAR10_SOURCE',
  cifar100: 'CIFAR100_SOURCE',
};

/** An expected failure: printed as one line, no stack trace. */
class DataError extends Error {}

const sha256 = (bytes: Uint8Array): string => createHash('sha256').update(bytes).digest('hex');

async function main(): Promise<void> {
  const started = performance.now();
  const { values } = parseArgs({
    options: {
      dataset: { type: 'string', default: 'cifar10' },
      from: { type: 'string' },
      out: { type: 'string' },
      force: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
    strict: true,
  });
  if (values.help) {
    process.stdout.write(
      'usage: npm run data -- [--dataset cifar10|cifar100] [--from TARBALL_OR_FOLDER] [--out DIR] [--force]\n',
    );
    return;
  }
  const dataset = values.dataset as DatasetName;
  if (!DATASETS.includes(dataset)) {
    throw new DataError(`--dataset ${values.dataset}: expected one of ${DATASETS.join(', ')}`);
  }
  const out = path.resolve(values.out ?? path.join('public', 'data', dataset));

  if (!values.force) {
    const existing = await existingManifest(out, dataset);
    if (existing) {
      const n = existing.train.count + existing.test.count;
      log(
        `${out}: a valid ${CIFAR_SPECS[dataset].title} dataset is already there (${formatInt(n)} images); --force rebuilds it`,
      );
      return;
    }
  }

  const data = await loadSource(dataset, values.from);
  const { manifest, shards } = await buildShards(data, sha256);

  // Written beside the output, then renamed: an interrupted run never leaves half a dataset.
  const parent = path.dirname(out);
  await fs.mkdir(parent, { recursive: true });
  await removeStaleTemps(parent, path.basename(out));
  const tmp = path.join(parent, `.data-tmp-${path.basename(out)}-${process.pid}`);
  const old = `${tmp}-old`;
  const cleanup = (): void => {
    rmSync(tmp, { recursive: true, force: true }); // sync: the process exits right after
  };
  process.once('SIGINT', () => {
    cleanup();
    process.exit(130);
  });
  try {
    await fs.mkdir(tmp);
    let bytes = 0;
    for (const shard of shards) {
      await fs.writeFile(path.join(tmp, shard.file), shard.bytes);
      bytes += shard.bytes.length;
    }
    await fs.writeFile(path.join(tmp, 'manifest.json'), JSON.stringify(manifest, null, 2) + '\n');
    const hadOld = await exists(out);
    if (hadOld) await fs.rename(out, old);
    await fs.rename(tmp, out);
    if (hadOld) await fs.rm(old, { recursive: true, force: true });

    const seconds = ((performance.now() - started) / 1000).toFixed(1);
    const split = (name: 'train' | 'test'): string =>
      `${name} ${formatInt(manifest[name].count)} images in ${manifest[name].shards.length} shards`;
    process.stdout.write(
      `${CIFAR_SPECS[dataset].title}: ${split('train')}, ${split('test')}, ${manifest.classes.length} classes` +
        ` → ${shortPath(out)} (${(bytes / 1e6).toFixed(1)} MB) in ${seconds} s\n`,
    );
  } catch (err) {
    await fs.rm(tmp, { recursive: true, force: true });
    throw err;
  }
}

/** The manifest already at `out`, if it and every shard it lists check out. */
async function existingManifest(
  out: string,
  dataset: DatasetName,
): Promise<DatasetManifest | null> {
  let json: unknown;
  try {
    json = JSON.parse(await fs.readFile(path.join(out, 'manifest.json'), 'utf8'));
  } catch {
    return null;
  }
  if (manifestProblem(json, dataset) !== null) return null;
  const manifest = json as DatasetManifest;
  for (const shard of [...manifest.train.shards, ...manifest.test.shards]) {
    try {
      const bytes = await fs.readFile(path.join(out, shard.file));
      if (bytes.length !== shard.bytes || sha256(bytes) !== shard.sha256) return null;
    } catch {
      return null;
    }
  }
  return manifest;
}

async function loadSource(dataset: DatasetName, from: string | undefined): Promise<CifarData> {
  const envName = ENV_SOURCE[dataset];
  const source = from ?? process.env[envName];
  if (source) {
    const label = from ? source : `$${envName} (${source})`;
    let stat;
    try {
      stat = await fs.stat(source);
    } catch {
      throw new DataError(`${label}: no such file or folder`);
    }
    if (stat.isDirectory()) {
      log(`reading ${CIFAR_SPECS[dataset].title} from the folder ${source}`);
      return parseOrExplain(dataset, await readFolder(source, neededFiles(dataset)));
    }
    log(`reading ${CIFAR_SPECS[dataset].title} from ${source}`);
    return parseArchive(dataset, path.basename(source), await fs.readFile(source));
  }
  const bytes = await download(dataset);
  return parseArchive(dataset, CIFAR_SPECS[dataset].tarball, bytes);
}

async function parseArchive(
  dataset: DatasetName,
  name: string,
  bytes: Uint8Array,
): Promise<CifarData> {
  let tar = bytes;
  if (bytes[0] === 0x1f && bytes[1] === 0x8b) {
    try {
      tar = await gunzip(bytes, { maxOutputLength: 2 ** 31 - 1 });
    } catch (err) {
      throw new DataError(`${name}: gzip data is corrupt (${(err as Error).message})`);
    }
  }
  let files: TarFile[];
  try {
    files = readTar(tar);
  } catch (err) {
    throw new DataError(`${name}: ${(err as Error).message}`);
  }
  return parseOrExplain(dataset, files);
}

function parseOrExplain(dataset: DatasetName, files: TarFile[]): CifarData {
  try {
    return parseCifar(dataset, files);
  } catch (err) {
    throw new DataError((err as Error).message);
  }
}

/** The needed files anywhere under `root` (the official folder or its parent), by base name. */
async function readFolder(root: string, names: string[]): Promise<TarFile[]> {
  const files: TarFile[] = [];
  const walk = async (dir: string, depth: number): Promise<void> => {
    for (const entry of await fs.readdir(dir, { withFileTypes: true })) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory() && depth < 3) await walk(full, depth + 1);
      else if (entry.isFile() && names.includes(entry.name)) {
        files.push({
          name: path.relative(root, full).split(path.sep).join('/'),
          data: await fs.readFile(full),
        });
      }
    }
  };
  await walk(root, 0);
  return files;
}

/** The official tarball, with a progress bar on stderr and its MD5 checked. */
async function download(dataset: DatasetName): Promise<Uint8Array> {
  const spec = CIFAR_SPECS[dataset];
  const base = process.env.CIFAR_MIRROR ?? OFFICIAL_BASE;
  const url = new URL(spec.tarball, base.endsWith('/') ? base : `${base}/`).href;
  const envName = ENV_SOURCE[dataset];
  const howTo =
    `Get ${spec.tarball} (from ${OFFICIAL_BASE}${spec.tarball} or a copy), then run ` +
    `\`npm run data -- --dataset ${dataset} --from /path/to/${spec.tarball}\` or set ${envName}=/path/to/${spec.tarball}. ` +
    `The lab still opens without it: pick the tarball in the page to load it there.`;
  log(`no --from or $${envName}: downloading ${url}`);
  let res: Response;
  try {
    res = await fetch(url);
  } catch (err) {
    const cause = (err as { cause?: { code?: string; message?: string } }).cause;
    const code = cause?.code ?? '';
    const why = ['ENOTFOUND', 'EAI_AGAIN'].includes(code)
      ? `${code}: this machine seems to be offline`
      : code || cause?.message || (err as Error).message;
    throw new DataError(`could not download ${url} (${why}). ${howTo}`);
  }
  if (!res.ok || !res.body)
    throw new DataError(`could not download ${url} (HTTP ${res.status}). ${howTo}`);
  const total = Number(res.headers.get('content-length')) || OFFICIAL[dataset].bytes;
  const md5 = createHash('md5');
  const chunks: Uint8Array[] = [];
  let received = 0;
  const bar = progressBar(total);
  try {
    const reader = res.body.getReader();
    for (let r = await reader.read(); !r.done; r = await reader.read()) {
      const chunk = r.value;
      chunks.push(chunk);
      md5.update(chunk);
      received += chunk.length;
      bar(received);
    }
  } catch (err) {
    throw new DataError(
      `download of ${url} broke off after ${formatInt(received)} bytes (${(err as Error).message}). ${howTo}`,
    );
  }
  bar(received, true);
  const digest = md5.digest('hex');
  if (digest !== OFFICIAL[dataset].md5) {
    throw new DataError(
      `${spec.tarball} from ${url}: MD5 ${digest}, expected ${OFFICIAL[dataset].md5} (a damaged or different file). ${howTo}`,
    );
  }
  return Buffer.concat(chunks);
}

/** A textual bar: redrawn in place on a terminal, a line per 10% otherwise (CI logs). */
function progressBar(total: number): (received: number, done?: boolean) => void {
  const tty = process.stderr.isTTY;
  const t0 = performance.now();
  let lastTenth = -1;
  let lastDraw = 0;
  return (received, done = false) => {
    const frac = Math.min(1, received / total);
    const now = performance.now();
    const tenth = Math.floor(frac * 10);
    if (!done && (tty ? now - lastDraw < 100 : tenth === lastTenth)) return;
    lastDraw = now;
    lastTenth = tenth;
    const width = 30;
    const filled = Math.round(frac * width);
    const mbps = received / 1e6 / Math.max(0.001, (now - t0) / 1000);
    const line =
      `[${'#'.repeat(filled)}${'-'.repeat(width - filled)}] ${(frac * 100).toFixed(0).padStart(3)}% ` +
      `${(received / 1e6).toFixed(1)}/${(total / 1e6).toFixed(1)} MB ${mbps.toFixed(1)} MB/s`;
    process.stderr.write(tty ? `\r${line}${done ? '\n' : ''}` : `${line}\n`);
  };
}

/** Temp folders left by runs that were killed (their process is gone). */
async function removeStaleTemps(parent: string, base: string): Promise<void> {
  const prefix = `.data-tmp-${base}-`;
  for (const name of await fs.readdir(parent)) {
    const pid = Number(name.slice(prefix.length).replace(/-old$/, ''));
    if (!name.startsWith(prefix) || !Number.isInteger(pid) || pid === process.pid) continue;
    let alive = true;
    try {
      process.kill(pid, 0); // signal 0 only asks whether the process exists
    } catch {
      alive = false;
    }
    if (!alive) await fs.rm(path.join(parent, name), { recursive: true, force: true });
  }
}

async function exists(p: string): Promise<boolean> {
  return fs.stat(p).then(
    () => true,
    () => false,
  );
}

/** Relative to the working folder when inside it, absolute otherwise. */
function shortPath(p: string): string {
  const rel = path.relative(process.cwd(), p);
  return rel && !rel.startsWith('..') ? rel : p;
}

function log(line: string): void {
  process.stderr.write(`${line}\n`);
}

main().catch((err: unknown) => {
  const message = err instanceof Error ? err.message : String(err);
  const code = (err as { code?: unknown }).code;
  const expected =
    err instanceof DataError || (typeof code === 'string' && code.startsWith('ERR_PARSE_ARGS'));
  // Expected failures are one line; anything else is a bug, but still no stack trace for users.
  process.stderr.write(`data: ${expected ? '' : 'unexpected error: '}${message}\n`);
  process.exit(1);
});
