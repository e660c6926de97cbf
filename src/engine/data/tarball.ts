/**
 * A CIFAR tarball picked in the page → the whole dataset in memory, with the data step's checks
 * and messages. Lets the lab run without `npm run data`.
 */
import { makeManifest, parseCifar, type LabeledImages } from '../../core/cifar';
import { readTar } from '../../core/tar';
import type { DatasetName } from '../../core/config';
import type { LoadedDataset, SplitData } from './types';

export async function datasetFromTarball(file: Blob, dataset: DatasetName): Promise<LoadedDataset> {
  const name = file instanceof File && file.name ? file.name : 'the picked file';
  const head = new Uint8Array(await file.slice(0, 2).arrayBuffer());
  const gzipped = head[0] === 0x1f && head[1] === 0x8b;
  let tar: Uint8Array;
  try {
    const stream = gzipped
      ? file.stream().pipeThrough(new DecompressionStream('gzip'))
      : file.stream();
    tar = new Uint8Array(await new Response(stream).arrayBuffer());
  } catch (err) {
    throw new Error(`${name}: gzip data is corrupt (${(err as Error).message})`);
  }
  let files;
  try {
    files = readTar(tar);
  } catch (err) {
    throw new Error(`${name}: ${(err as Error).message}`);
  }
  // CIFAR errors already name the batch file, as the data step prints them.
  const data = parseCifar(dataset, files);
  // Held in memory whole: there are no shard files, so the manifest lists none.
  const manifest = makeManifest(
    dataset,
    data.classes,
    { count: data.train.count, shards: [] },
    { count: data.test.count, shards: [] },
  );
  return { manifest, train: inMemory(data.train), test: inMemory(data.test) };
}

function inMemory(images: LabeledImages): SplitData {
  return {
    total: images.count,
    available: images.count,
    labels: images.labels,
    pixels: images.pixels,
    ensure: () => Promise.resolve(),
  };
}
