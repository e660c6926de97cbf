/// <reference lib="webworker" />
/**
 * The training worker: a thin shell that turns protocol commands into engine calls and engine
 * events into protocol messages. All tfjs and pixel work happens here, off the main thread.
 */
import type { BackendChoice, DatasetName, TrainConfig } from '../core/config';
import { readbackInterval } from '../core/readback';
import { onDeviceLost, selectBackend } from '../engine/backend';
import { openDataset } from '../engine/data/loader';
import { datasetFromTarball } from '../engine/data/tarball';
import type { LoadedDataset } from '../engine/data/types';
import { runRangeTest, type RangeEngineEvent } from '../engine/range-test';
import { runTraining, type EngineEvent } from '../engine/run';
import { disposeSnapshot, evaluateLine, type WeightSnapshot } from '../engine/topology';
import type { Command, WorkerEvent } from './protocol';

declare const self: DedicatedWorkerGlobalScope;

function post(event: WorkerEvent): void {
  self.postMessage(event);
}

function messageOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/** Datasets by name; a picked tarball replaces the served shards for that dataset. */
const datasets = new Map<DatasetName, Promise<LoadedDataset>>();
let backendChoice: BackendChoice | null = null;

/**
 * Pause/stop state of the one active run, read by the engine between steps. The page hears
 * 'paused' only once the engine really waits, so no point arrives after it.
 */
class RunControl {
  private paused = false;
  private stopped = false;
  private wake: (() => void) | null = null;

  constructor(private readonly onWait: (waiting: boolean) => void) {}

  pause(): void {
    this.paused = true;
  }
  resume(): void {
    this.paused = false;
    this.wake?.();
  }
  stop(): void {
    this.stopped = true;
    this.wake?.();
  }
  get isPaused(): boolean {
    return this.paused;
  }
  async checkpoint(): Promise<boolean> {
    if (!this.paused || this.stopped) return !this.stopped;
    this.onWait(true);
    while (this.paused && !this.stopped) {
      await new Promise<void>((resolve) => (this.wake = resolve));
      this.wake = null;
    }
    if (!this.stopped) this.onWait(false);
    return !this.stopped;
  }
}

let active: { runId: string; control: RunControl; deviceLost?: boolean } | null = null;

/** Weight snapshots of the latest training run, for the loss-topology line. */
let snapshots: { runId: string; config: TrainConfig; list: WeightSnapshot[] } | null = null;

function dropSnapshots(): void {
  snapshots?.list.forEach(disposeSnapshot);
  snapshots = null;
}

async function topology(cmd: Extract<Command, { type: 'topology' }>): Promise<void> {
  const { runId } = cmd;
  const held = snapshots?.runId === runId ? snapshots : null;
  if (!held || held.list.length < 2) {
    post({ type: 'topologyResult', runId, points: [], error: 'This run has no two snapshots.' });
    return;
  }
  const control = new RunControl(() => {});
  active = { runId, control };
  try {
    const data = await prepare(held.config);
    const [w1, w2] = held.list as [WeightSnapshot, WeightSnapshot];
    const points = await evaluateLine(w1, w2, data, {
      trainCount: cmd.trainCount,
      valCount: cmd.valCount,
      batchSize: held.config.batchSize,
      dataset: held.config.dataset,
      checkpoint: () => control.checkpoint(),
    });
    post({ type: 'topologyResult', runId, points });
  } catch (err) {
    post({ type: 'topologyResult', runId, points: [], error: messageOf(err) });
  } finally {
    if (active?.runId === runId) active = null;
  }
}

function reportData(dataset: DatasetName, promise: Promise<LoadedDataset>): void {
  promise.then(
    (d) => {
      const total = d.train.total + d.test.total;
      post({
        type: 'data',
        dataset,
        phase: 'ready',
        loaded: d.train.available + d.test.available,
        total,
      });
    },
    (err: unknown) => {
      datasets.delete(dataset);
      const message = messageOf(err);
      const missing = /404|not found|manifest|npm run data/i.test(message);
      post({
        type: 'data',
        dataset,
        phase: missing ? 'missing' : 'error',
        loaded: 0,
        total: 0,
        message,
      });
    },
  );
}

function loadServed(dataset: DatasetName): Promise<LoadedDataset> {
  const existing = datasets.get(dataset);
  if (existing) return existing;
  const base = new URL('/', self.location.href).href;
  const promise = openDataset(dataset, base, (p) =>
    post({
      type: 'data',
      dataset,
      phase: 'loading',
      loaded: p.loaded,
      total: p.total,
      source: p.source,
    }),
  ).then(async (d) => {
    // The first training shard and the first validation shard make a small run start at once;
    // the rest stream in on demand while training runs.
    await d.test.ensure(Math.min(d.test.total, 1));
    await d.train.ensure(Math.min(d.train.total, 1));
    return d;
  });
  datasets.set(dataset, promise);
  reportData(dataset, promise);
  return promise;
}

function loadPicked(file: File, dataset: DatasetName): void {
  post({ type: 'data', dataset, phase: 'loading', loaded: 0, total: 0, source: 'file' });
  const promise = datasetFromTarball(file, dataset);
  datasets.set(dataset, promise);
  reportData(dataset, promise);
}

/** Backend and dataset ready for a run of `config`: shared by training and the range test. */
async function prepare(config: TrainConfig): Promise<LoadedDataset> {
  if (backendChoice !== config.backend) {
    const chosen = await selectBackend(config.backend);
    backendChoice = config.backend;
    post({ type: 'backend', requested: config.backend, ...chosen });
  }
  const data = await loadServed(config.dataset);
  await data.test.ensure(Math.min(config.valSize, data.test.total));
  return data;
}

async function rangeTest(cmd: Extract<Command, { type: 'rangeTest' }>): Promise<void> {
  const { runId, config, range } = cmd;
  const control = new RunControl((waiting) =>
    post({ type: 'state', runId, state: waiting ? 'paused' : 'running' }),
  );
  active = { runId, control };
  const emit = (e: RangeEngineEvent): void => post({ ...e, runId } as WorkerEvent);
  post({ type: 'state', runId, state: 'starting' });
  try {
    const data = await prepare(config);
    post({ type: 'state', runId, state: 'running' });
    const outcome = await runRangeTest(config, range, data, {
      emit,
      checkpoint: () => control.checkpoint(),
      pauseRequested: () => control.isPaused,
    });
    // Divergence is how a range test is meant to end: the page marks it from rangeResult.
    post({ type: 'state', runId, state: outcome === 'stopped' ? 'stopped' : 'done' });
  } catch (err) {
    post({ type: 'state', runId, state: 'failed', message: messageOf(err) });
  } finally {
    if (active?.runId === runId) active = null;
  }
}

async function start(runId: string, cmd: Extract<Command, { type: 'start' }>): Promise<void> {
  const { config } = cmd;
  const control = new RunControl((waiting) =>
    post({ type: 'state', runId, state: waiting ? 'paused' : 'running' }),
  );
  const run: NonNullable<typeof active> = { runId, control };
  active = run;
  const emit = (e: EngineEvent): void => post({ ...e, runId } as WorkerEvent);
  post({ type: 'state', runId, state: 'starting' });
  try {
    const data = await prepare(config);
    post({ type: 'state', runId, state: 'running' });
    const trainImages = Math.min(config.trainSize, data.train.total);
    const totalSteps = Math.floor(trainImages / config.batchSize) * config.epochs;
    const outcome = await runTraining(
      config,
      data,
      {
        emit,
        checkpoint: () => control.checkpoint(),
        pauseRequested: () => control.isPaused,
      },
      {
        readbackEvery: readbackInterval(totalSteps),
        snapshotSteps: cmd.snapshotAt,
        onSnapshot: (snap) => {
          if (snapshots?.runId !== runId) return disposeSnapshot(snap);
          snapshots.list.push(snap);
          post({ type: 'snapshot', runId, step: snap.step });
        },
      },
    );
    // 'diverged' is announced by the engine with its step and LR; a lost device by its handler.
    if (outcome !== 'diverged' && !run.deviceLost) post({ type: 'state', runId, state: outcome });
  } catch (err) {
    if (!run.deviceLost) post({ type: 'state', runId, state: 'failed', message: messageOf(err) });
  } finally {
    if (active?.runId === runId) active = null;
  }
}

self.addEventListener('message', (ev: MessageEvent<Command>) => {
  const cmd = ev.data;
  switch (cmd.type) {
    case 'loadDataset':
      loadServed(cmd.dataset);
      break;
    case 'loadTarball':
      loadPicked(cmd.file, cmd.dataset);
      break;
    case 'start':
      if (active) {
        post({
          type: 'error',
          message: 'A run is already active: stop it before starting another.',
        });
        break;
      }
      // The previous run's snapshots give way to this run's.
      dropSnapshots();
      if (cmd.snapshotAt?.length) snapshots = { runId: cmd.runId, config: cmd.config, list: [] };
      void start(cmd.runId, cmd);
      break;
    case 'topology':
      if (active) {
        post({
          type: 'topologyResult',
          runId: cmd.runId,
          points: [],
          error: 'A run is active: wait for it to end before evaluating the line.',
        });
        break;
      }
      void topology(cmd);
      break;
    case 'rangeTest':
      if (active) {
        post({
          type: 'error',
          message: 'A run is already active: stop it before starting a range test.',
        });
        break;
      }
      void rangeTest(cmd);
      break;
    case 'pause':
      active?.control.pause();
      break;
    case 'resume':
      active?.control.resume();
      break;
    case 'stop':
      active?.control.stop();
      break;
  }
});

// tfjs does not handle a lost WebGPU device: stop the run with a message, and choose the backend
// afresh on the next Start. (Resuming from a checkpoint on the next backend is a later step.)
onDeviceLost((info) => {
  backendChoice = null;
  if (active) {
    active.deviceLost = true;
    post({
      type: 'state',
      runId: active.runId,
      state: 'failed',
      message: `The GPU device was lost (${info.reason || 'unknown'}: ${info.message}). Start again to continue on a fresh device.`,
    });
    active.control.stop();
  } else {
    post({ type: 'error', message: `The GPU device was lost: ${info.message}` });
  }
});

self.addEventListener('unhandledrejection', (ev) => {
  post({ type: 'error', message: `Worker error: ${messageOf(ev.reason)}` });
});

post({ type: 'ready' });
