/// <reference lib="webworker" />
/**
 * The training worker: a thin shell that turns protocol commands into engine calls and engine
 * events into protocol messages. All tfjs and pixel work happens here, off the main thread.
 */
import {
  packCheckpoint,
  unpackCheckpoint,
  type CheckpointMeta,
  type CheckpointTensors,
} from '../core/checkpoint';
import type { BackendChoice, BackendName, DatasetName, TrainConfig } from '../core/config';
import { explainRunError } from '../core/faults';
import { readbackInterval } from '../core/readback';
import {
  currentGpuDevice,
  gpuLostWithin,
  markBroken,
  onDeviceLost,
  onGpuError,
  selectBackend,
} from '../engine/backend';
import { openDataset } from '../engine/data/loader';
import { datasetFromTarball } from '../engine/data/tarball';
import type { LoadedDataset } from '../engine/data/types';
import { poisonVariables } from '../engine/checkpoint';
import { runRangeTest, type RangeEngineEvent } from '../engine/range-test';
import { runTraining, type EngineEvent, type TrainState } from '../engine/run';
import { disposeSnapshot, evaluateLine, type WeightSnapshot } from '../engine/topology';
import { deleteCheckpoint, listCheckpoints, loadCheckpoint, saveCheckpoint } from './checkpoint-db';
import type { Command, TestFault, WorkerEvent } from './protocol';

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
/** The backend tfjs runs on now, for error messages. */
let backendInUse: BackendName | null = null;

/** Resolves in a later task (a MessageChannel round trip: no 4 ms timer clamp). */
const taskChannel = new MessageChannel();
const taskWaiters: (() => void)[] = [];
taskChannel.port1.onmessage = () => taskWaiters.shift()?.();
function nextTask(): Promise<void> {
  return new Promise((resolve) => {
    taskWaiters.push(resolve);
    taskChannel.port2.postMessage(null);
  });
}

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
    if (!this.paused || this.stopped) {
      // Let page commands sent meanwhile (pause, stop) in before the next step: on the cpu backend
      // a run never leaves microtasks otherwise, and Pause or Stop waits for the run's end.
      await nextTask();
      return !this.stopped;
    }
    this.onWait(true);
    while (this.paused && !this.stopped) {
      await new Promise<void>((resolve) => (this.wake = resolve));
      this.wake = null;
    }
    if (!this.stopped) this.onWait(false);
    return !this.stopped;
  }
}

let active: {
  runId: string;
  control: RunControl;
  deviceLost?: boolean;
  /** A training run's command, so a lost device can restart it on the next backend. */
  cmd?: StartCommand;
  /** Replaced after a lost device: its loop may still be unwinding but must say nothing. */
  abandoned?: boolean;
} | null = null;

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
      // 'missing' is no manifest at all (loader: "No … data at …"); a bad shard is an error to retry.
      const missing = /^No .+ data at /.test(message);
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
    backendInUse = chosen.backend;
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

type StartCommand = Extract<Command, { type: 'start' }>;
type Resumable = { meta: CheckpointMeta; tensors: CheckpointTensors };

/** The active run's latest checkpoint, kept in memory too: a lost device resumes from it. */
let lastCheckpoint: ({ runId: string } & Resumable) | null = null;
/** IndexedDB writes, one after another (a save and the delete at the run's end keep order). */
let saving: Promise<void> = Promise.resolve();

function keepCheckpoint(runId: string, config: TrainConfig, state: TrainState): void {
  const { tensors, shapes, ...rest } = state;
  const record = packCheckpoint({ runId, config, savedAt: Date.now(), ...rest }, tensors, shapes);
  lastCheckpoint = { runId, meta: record.meta, tensors };
  saving = saving
    .then(() => saveCheckpoint(record))
    .then(
      () => post({ type: 'checkpoint', runId, step: state.step }),
      (e: unknown) => post({ type: 'checkpoint', runId, step: state.step, error: messageOf(e) }),
    );
}

async function storedCheckpoint(runId: string): Promise<Resumable> {
  if (lastCheckpoint?.runId === runId) return lastCheckpoint;
  const raw = await loadCheckpoint(runId);
  if (raw === undefined) throw new Error('This run has no checkpoint to resume from.');
  return unpackCheckpoint(raw);
}

/**
 * Trains run `runId`: from scratch, or from `from` (a checkpoint) when resuming. A run abandoned
 * after a lost device says nothing more; its replacement carries on under the same id.
 */
async function start(runId: string, cmd: StartCommand, from?: Resumable): Promise<void> {
  const { config } = cmd;
  const control = new RunControl((waiting) =>
    post({ type: 'state', runId, state: waiting ? 'paused' : 'running' }),
  );
  const run: NonNullable<typeof active> = { runId, control, cmd };
  active = run;
  const say = (e: WorkerEvent): void => {
    if (!run.abandoned) post(e);
  };
  const emit = (e: EngineEvent): void => say({ ...e, runId } as WorkerEvent);
  say({ type: 'state', runId, state: 'starting' });
  try {
    if (cmd.resume && !from) {
      from = await storedCheckpoint(runId);
      say({
        type: 'resumed',
        runId,
        step: from.meta.step,
        message: `Resumed from the checkpoint after step ${from.meta.step}.`,
      });
    }
    const data = await prepare(config);
    say({ type: 'state', runId, state: 'running' });
    const trainImages = Math.min(config.trainSize, data.train.total);
    const totalSteps = Math.floor(trainImages / config.batchSize) * config.epochs;
    const outcome = await runTraining(
      config,
      data,
      {
        emit,
        checkpoint: () => {
          if (__LAB_TEST_HOOKS__ && injectedOom) {
            injectedOom = false;
            throw new Error('GPUOutOfMemoryError: Failed to allocate a buffer (injected fault)');
          }
          if (__LAB_TEST_HOOKS__ && injectedNaN) {
            injectedNaN = false;
            poisonVariables();
          }
          return control.checkpoint();
        },
        pauseRequested: () => control.isPaused,
        // The user's Stop keeps the progress; a lost or failed device's state is not read.
        checkpointOnStop: () => !run.abandoned && !run.deviceLost,
      },
      {
        readbackEvery: readbackInterval(totalSteps),
        snapshotSteps: cmd.snapshotAt,
        evalsPerEpoch: cmd.evalsPerEpoch,
        onSnapshot: (snap) => {
          if (snapshots?.runId !== runId) return disposeSnapshot(snap);
          snapshots.list.push(snap);
          post({ type: 'snapshot', runId, step: snap.step });
        },
        ...(from ? { resumeFrom: from } : {}),
        onCheckpoint: (state) => {
          if (!run.abandoned) keepCheckpoint(runId, config, state);
        },
      },
    );
    // 'diverged' is announced by the engine with its step and LR; a lost device by its handler.
    if (outcome !== 'diverged' && !run.deviceLost) say({ type: 'state', runId, state: outcome });
    // A finished or diverged run has nothing to resume.
    if (outcome !== 'stopped' && !run.abandoned) forgetCheckpoint(runId);
  } catch (err) {
    // A lost device often fails a readback before its 'lost' handler runs: give that a moment,
    // so the run goes on from its checkpoint instead of failing.
    if (backendInUse === 'webgpu') await gpuLostWithin(2000);
    if (!run.deviceLost)
      say({
        type: 'state',
        runId,
        state: 'failed',
        message: explainRunError(messageOf(err), config.batchSize, backendInUse ?? undefined),
      });
  } finally {
    if (active === run) active = null;
  }
}

function forgetCheckpoint(runId: string): void {
  if (lastCheckpoint?.runId === runId) lastCheckpoint = null;
  saving = saving.then(() => deleteCheckpoint(runId)).catch(() => {});
}

/**
 * The WebGPU device of the active run was lost: drop that run's loop, start the next backend, and
 * carry on from the last checkpoint (or from the start, when there is none yet).
 */
async function continueAfterDeviceLoss(
  run: NonNullable<typeof active>,
  cmd: StartCommand,
  why: string,
) {
  run.abandoned = true;
  run.control.stop();
  // `active` stays this run until its replacement starts, so no other run slips in meanwhile.
  const from =
    lastCheckpoint?.runId === run.runId ? lastCheckpoint : await checkpointOrNull(run.runId);
  const next: StartCommand = { ...cmd, resume: false };
  backendChoice = null;
  try {
    const chosen = await selectBackend(cmd.config.backend);
    backendChoice = cmd.config.backend;
    backendInUse = chosen.backend;
    post({
      type: 'backend',
      requested: cmd.config.backend,
      ...chosen,
      fallbackReason: `${why}; ${chosen.fallbackReason ?? ''}`.replace(/; $/, ''),
    });
    const step = from?.meta.step ?? 0;
    post({
      type: 'resumed',
      runId: run.runId,
      step,
      message: `${why}. Continuing on ${chosen.backend} from ${
        from ? `the checkpoint after step ${step}` : 'the start (no checkpoint yet)'
      }.`,
    });
    void start(run.runId, next, from ?? undefined);
  } catch (err) {
    if (active === run) active = null;
    post({
      type: 'state',
      runId: run.runId,
      state: 'failed',
      message: `${why}: ${messageOf(err)}`,
    });
  }
}

async function checkpointOrNull(runId: string): Promise<Resumable | null> {
  try {
    return await storedCheckpoint(runId);
  } catch {
    return null;
  }
}

/** Test-only faults (the e2e build): the next step runs out of memory, or starts from NaN weights. */
let injectedOom = false;
let injectedNaN = false;

function injectFault(fault: TestFault): void {
  if (fault === 'throw')
    // Thrown outside any handler: the page's Worker gets an 'error' event, as on a real crash.
    setTimeout(() => {
      throw new Error('injected fault: the worker crashed');
    });
  else if (fault === 'oom') injectedOom = true;
  else if (fault === 'nan') injectedNaN = true;
  else if (fault === 'deviceLost') {
    const device = currentGpuDevice();
    if (device) device.destroy();
    else post({ type: 'error', message: 'injected fault: no WebGPU device to lose' });
  }
}

self.addEventListener('message', (ev: MessageEvent<Command>) => {
  const cmd = ev.data;
  if (__LAB_TEST_HOOKS__) {
    if (cmd.type === 'testFault') return injectFault(cmd.fault);
  }
  switch (cmd.type) {
    case 'listCheckpoints':
      listCheckpoints().then(
        (list) =>
          post({ type: 'checkpoints', list: list.map(({ runId, step }) => ({ runId, step })) }),
        () => post({ type: 'checkpoints', list: [] }),
      );
      break;
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

// tfjs does not handle a lost WebGPU device: a training run goes on from its last checkpoint on
// the next backend; a range test or line evaluation stops with a message. WebGPU is not used
// again in this worker (tfjs would hand back the dead instance).
onDeviceLost((info) => {
  backendChoice = null;
  backendInUse = null;
  markBroken('webgpu');
  const why = `The GPU device was lost (${info.reason || 'unknown'}: ${info.message || 'no detail'})`;
  const run = active;
  if (run?.cmd && !run.abandoned) {
    void continueAfterDeviceLoss(run, run.cmd, why);
  } else if (run) {
    run.deviceLost = true;
    post({ type: 'state', runId: run.runId, state: 'failed', message: `${why}. Start again.` });
    run.control.stop();
  } else {
    post({ type: 'error', message: `${why}.` });
  }
});

// An allocation WebGPU could not make does not throw in tfjs: stop the run with advice.
onGpuError((message, outOfMemory) => {
  const run = active;
  if (!outOfMemory || !run || run.abandoned || run.deviceLost) return;
  run.deviceLost = true;
  const batch = run.cmd?.config.batchSize;
  post({
    type: 'state',
    runId: run.runId,
    state: 'failed',
    message: explainRunError(`GPUOutOfMemoryError: ${message}`, batch ?? 1, 'webgpu'),
  });
  run.control.stop();
});

self.addEventListener('unhandledrejection', (ev) => {
  post({ type: 'error', message: `Worker error: ${messageOf(ev.reason)}` });
});

post({ type: 'ready' });
