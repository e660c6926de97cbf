/**
 * The worker's datasets by name: served shards streamed on demand, or a tarball the user picked,
 * which replaces the served shards for that dataset. The page hears each one's progress.
 */
import type { DatasetName } from '../core/config';
import { isLabError, messageOf } from '../core/errors';
import { openDataset } from '../engine/data/loader';
import { datasetFromTarball } from '../engine/data/tarball';
import type { LoadedDataset } from '../engine/data/types';
import type { WorkerEvent } from './protocol';

export class Datasets {
  private readonly loaded = new Map<DatasetName, Promise<LoadedDataset>>();

  /** `base`: the URL the served `data/<dataset>/` folders hang from. */
  constructor(
    private readonly post: (e: WorkerEvent) => void,
    private readonly base: string,
  ) {}

  get(dataset: DatasetName): Promise<LoadedDataset> {
    const existing = this.loaded.get(dataset);
    if (existing) return existing;
    const post = this.post;
    const promise = openDataset(dataset, this.base, ({ loaded, total, source }) =>
      post({ type: 'data', dataset, phase: 'loading', loaded, total, source }),
    ).then(async (d) => {
      // The first training shard and the first validation shard make a small run start at once;
      // the rest stream in on demand while training runs.
      await d.test.ensure(Math.min(d.test.total, 1));
      await d.train.ensure(Math.min(d.train.total, 1));
      return d;
    });
    this.track(dataset, promise);
    return promise;
  }

  pick(file: File, dataset: DatasetName): void {
    this.post({ type: 'data', dataset, phase: 'loading', loaded: 0, total: 0, source: 'file' });
    this.track(dataset, datasetFromTarball(file, dataset));
  }

  private track(dataset: DatasetName, promise: Promise<LoadedDataset>): void {
    this.loaded.set(dataset, promise);
    promise.then(
      (d) => {
        const loaded = d.train.available + d.test.available;
        const total = d.train.total + d.test.total;
        this.post({ type: 'data', dataset, phase: 'ready', loaded, total });
      },
      (err: unknown) => {
        this.loaded.delete(dataset);
        // 'missing' is no manifest at all; a bad shard is an error to retry.
        const phase = isLabError(err, 'data-missing') ? 'missing' : 'error';
        this.post({ type: 'data', dataset, phase, loaded: 0, total: 0, message: messageOf(err) });
      },
    );
  }
}
