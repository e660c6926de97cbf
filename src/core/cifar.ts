/**
 * Parsing of the official CIFAR binary batches, and their conversion to the lab's shards.
 * Pure: the data script (Node) and the worker's tarball path (browser) share these checks and
 * their messages.
 */
import type { DatasetName } from './config';
import {
  IMAGE_CHANNELS,
  IMAGE_HEIGHT,
  IMAGE_WIDTH,
  MANIFEST_VERSION,
  NUM_CLASSES,
  PIXELS_PER_IMAGE,
  SHARD_IMAGES,
  type DatasetManifest,
  type ShardInfo,
  type SplitInfo,
} from './dataset';
import { formatInt, readTar, utf8, type TarFile } from './tar';

export interface CifarSpec {
  /** As people write it: "CIFAR-10". */
  title: string;
  /** The folder inside the official tarball. */
  folder: string;
  /** The official tarball's file name. */
  tarball: string;
  trainFiles: string[];
  testFile: string;
  namesFile: string;
  /** Bytes per record: label byte(s) then 3,072 pixels. */
  recordBytes: number;
  /** Label bytes before the pixels; the last one is the label the lab uses (fine for CIFAR-100). */
  labelBytes: number;
}

export const CIFAR_SPECS: Record<DatasetName, CifarSpec> = {
  cifar10: {
    title: 'CIFAR-10',
    folder: 'cifar-10-batches-bin',
    tarball: 'cifar-10-binary.tar.gz',
    trainFiles: [1, 2, 3, 4, 5].map((i) => `data_batch_${i}.bin`),
    testFile: 'test_batch.bin',
    namesFile: 'batches.meta.txt',
    recordBytes: 1 + PIXELS_PER_IMAGE,
    labelBytes: 1,
  },
  cifar100: {
    title: 'CIFAR-100',
    folder: 'cifar-100-binary',
    tarball: 'cifar-100-binary.tar.gz',
    trainFiles: ['train.bin'],
    testFile: 'test.bin',
    namesFile: 'fine_label_names.txt',
    recordBytes: 2 + PIXELS_PER_IMAGE,
    labelBytes: 2,
  },
};

/** Coarse (super-class) labels of CIFAR-100, checked for range only. */
const CIFAR100_COARSE = 20;

/** Images with their labels, split apart as the shards store them. */
export interface LabeledImages {
  count: number;
  labels: Uint8Array;
  /** `count × 3,072` bytes, CIFAR channel-planar order. */
  pixels: Uint8Array;
}

export interface CifarData {
  dataset: DatasetName;
  classes: string[];
  train: LabeledImages;
  test: LabeledImages;
}

/** The base names of every file the dataset needs, for readers that pick files from a folder. */
export function neededFiles(dataset: DatasetName): string[] {
  const spec = CIFAR_SPECS[dataset];
  return [...spec.trainFiles, spec.testFile, spec.namesFile];
}

/** One batch file → labels and pixels. Throws `name: what is wrong` on a bad size or label. */
export function parseBatch(dataset: DatasetName, name: string, bytes: Uint8Array): LabeledImages {
  const spec = CIFAR_SPECS[dataset];
  const record = spec.recordBytes;
  if (bytes.length === 0 || bytes.length % record !== 0) {
    throw new Error(
      `${name}: ${formatInt(bytes.length)} bytes, expected a multiple of ${formatInt(record)}`,
    );
  }
  const count = bytes.length / record;
  const labels = new Uint8Array(count);
  const pixels = new Uint8Array(count * PIXELS_PER_IMAGE);
  const classes = NUM_CLASSES[dataset];
  for (let i = 0; i < count; i++) {
    const at = i * record;
    const label = bytes[at + spec.labelBytes - 1] ?? 0;
    if (label >= classes) {
      throw new Error(
        `${name}: record ${formatInt(i)} has label ${label}, expected 0–${classes - 1}`,
      );
    }
    if (spec.labelBytes === 2 && (bytes[at] ?? 0) >= CIFAR100_COARSE) {
      throw new Error(
        `${name}: record ${formatInt(i)} has coarse label ${bytes[at]}, expected 0–${CIFAR100_COARSE - 1}`,
      );
    }
    labels[i] = label;
    pixels.set(bytes.subarray(at + spec.labelBytes, at + record), i * PIXELS_PER_IMAGE);
  }
  return { count, labels, pixels };
}

/** Class names, one a line (blank lines ignored); the count must match the dataset. */
export function parseClassNames(dataset: DatasetName, name: string, bytes: Uint8Array): string[] {
  const names = utf8(bytes)
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter((line) => line !== '');
  const expected = NUM_CLASSES[dataset];
  if (names.length !== expected) {
    throw new Error(`${name}: ${names.length} class names, expected ${expected}`);
  }
  return names;
}

/**
 * Picks the dataset's files out of an archive's (or folder's) files by base name, preferring
 * those inside the official folder. Throws "not a CIFAR-10 tarball: data_batch_2.bin missing".
 */
export function findCifarFiles(
  dataset: DatasetName,
  files: readonly TarFile[],
): Map<string, Uint8Array> {
  const spec = CIFAR_SPECS[dataset];
  const found = new Map<string, Uint8Array>();
  for (const name of neededFiles(dataset)) {
    const candidates = files.filter((f) => f.name === name || f.name.endsWith(`/${name}`));
    const best = candidates.find((f) => f.name.endsWith(`${spec.folder}/${name}`)) ?? candidates[0];
    if (best) found.set(name, best.data);
  }
  const missing = neededFiles(dataset).filter((name) => !found.has(name));
  if (missing.length > 0) {
    const other: DatasetName = dataset === 'cifar10' ? 'cifar100' : 'cifar10';
    const looksOther = neededFiles(other).every((n) => files.some((f) => f.name.endsWith(n)));
    const hint = looksOther ? ` (it looks like ${CIFAR_SPECS[other].title})` : '';
    throw new Error(`not a ${spec.title} tarball: ${missing.join(', ')} missing${hint}`);
  }
  return found;
}

/** Every check and the whole conversion for files already read out of a tarball or folder. */
export function parseCifar(dataset: DatasetName, files: readonly TarFile[]): CifarData {
  const spec = CIFAR_SPECS[dataset];
  const found = findCifarFiles(dataset, files);
  const get = (name: string): Uint8Array => found.get(name) ?? new Uint8Array(0);
  const classes = parseClassNames(dataset, spec.namesFile, get(spec.namesFile));
  const train = concat(spec.trainFiles.map((name) => parseBatch(dataset, name, get(name))));
  const test = parseBatch(dataset, spec.testFile, get(spec.testFile));
  return { dataset, classes, train, test };
}

/** A whole uncompressed tarball → parsed dataset. */
export function parseCifarTarball(dataset: DatasetName, tar: Uint8Array): CifarData {
  return parseCifar(dataset, readTar(tar));
}

function concat(parts: LabeledImages[]): LabeledImages {
  if (parts.length === 1 && parts[0]) return parts[0];
  const count = parts.reduce((sum, p) => sum + p.count, 0);
  const out: LabeledImages = {
    count,
    labels: new Uint8Array(count),
    pixels: new Uint8Array(count * PIXELS_PER_IMAGE),
  };
  let at = 0;
  for (const p of parts) {
    out.labels.set(p.labels, at);
    out.pixels.set(p.pixels, at * PIXELS_PER_IMAGE);
    at += p.count;
  }
  return out;
}

/** A shard's bytes (`labels-then-chw`) for images [start, start + count). */
export function encodeShard(images: LabeledImages, start: number, count: number): Uint8Array {
  const out = new Uint8Array(count + count * PIXELS_PER_IMAGE);
  out.set(images.labels.subarray(start, start + count), 0);
  out.set(
    images.pixels.subarray(start * PIXELS_PER_IMAGE, (start + count) * PIXELS_PER_IMAGE),
    count,
  );
  return out;
}

/** Splits a shard's bytes into views of its labels and pixels; throws if the size is off. */
export function decodeShard(file: string, bytes: Uint8Array, count: number): LabeledImages {
  const expected = count * (1 + PIXELS_PER_IMAGE);
  if (bytes.length !== expected) {
    throw new Error(`${file}: ${formatInt(bytes.length)} bytes, expected ${formatInt(expected)}`);
  }
  return { count, labels: bytes.subarray(0, count), pixels: bytes.subarray(count) };
}

export interface ShardFile {
  file: string;
  bytes: Uint8Array;
}

/**
 * Shards (`train-000.bin`, …, `test-000.bin`, …) and the manifest that lists them. `sha256`
 * is passed in (hex digest) because core cannot reach a crypto API.
 */
export async function buildShards(
  data: CifarData,
  sha256: (bytes: Uint8Array) => string | Promise<string>,
  shardImages: number = SHARD_IMAGES,
): Promise<{ manifest: DatasetManifest; shards: ShardFile[] }> {
  const shards: ShardFile[] = [];
  const split = async (prefix: string, images: LabeledImages): Promise<SplitInfo> => {
    const infos: ShardInfo[] = [];
    for (let start = 0, i = 0; start < images.count; start += shardImages, i++) {
      const count = Math.min(shardImages, images.count - start);
      const file = `${prefix}-${String(i).padStart(3, '0')}.bin`;
      const bytes = encodeShard(images, start, count);
      shards.push({ file, bytes });
      infos.push({ file, count, bytes: bytes.length, sha256: await sha256(bytes) });
    }
    return { count: images.count, shards: infos };
  };
  const train = await split('train', data.train);
  const test = await split('test', data.test);
  return { manifest: makeManifest(data.dataset, data.classes, train, test), shards };
}

export function makeManifest(
  dataset: DatasetName,
  classes: string[],
  train: SplitInfo,
  test: SplitInfo,
): DatasetManifest {
  return {
    version: MANIFEST_VERSION,
    dataset,
    classes,
    layout: {
      height: IMAGE_HEIGHT,
      width: IMAGE_WIDTH,
      channels: IMAGE_CHANNELS,
      format: 'labels-then-chw',
    },
    train,
    test,
  };
}

/**
 * Checks untrusted JSON against the manifest shape (version, dataset, layout, shard sums).
 * Returns the reason it is unusable, or null when it is fine.
 */
export function manifestProblem(json: unknown, dataset: DatasetName): string | null {
  if (typeof json !== 'object' || json === null) return 'not a JSON object';
  const m = json as Partial<DatasetManifest>;
  if (m.version !== MANIFEST_VERSION)
    return `version ${String(m.version)}, expected ${MANIFEST_VERSION}`;
  if (m.dataset !== dataset) return `dataset ${String(m.dataset)}, expected ${dataset}`;
  if (!Array.isArray(m.classes) || m.classes.length !== NUM_CLASSES[dataset]) {
    return `expected ${NUM_CLASSES[dataset]} class names`;
  }
  const l = m.layout;
  if (
    !l ||
    l.format !== 'labels-then-chw' ||
    l.height !== IMAGE_HEIGHT ||
    l.width !== IMAGE_WIDTH ||
    l.channels !== IMAGE_CHANNELS
  ) {
    return 'unknown layout';
  }
  for (const key of ['train', 'test'] as const) {
    const s = m[key];
    if (!s || !Array.isArray(s.shards) || !(s.count > 0)) return `no ${key} split`;
    let sum = 0;
    for (const sh of s.shards) {
      const ok =
        typeof sh.file === 'string' &&
        /^[\w.-]+$/.test(sh.file) &&
        Number.isInteger(sh.count) &&
        sh.count > 0 &&
        sh.bytes === sh.count * (1 + PIXELS_PER_IMAGE) &&
        typeof sh.sha256 === 'string' &&
        /^[0-9a-f]{64}$/.test(sh.sha256);
      if (!ok) return `bad shard entry in ${key}`;
      sum += sh.count;
    }
    if (sum !== s.count) return `${key} shards hold ${sum} images, expected ${s.count}`;
  }
  return null;
}
