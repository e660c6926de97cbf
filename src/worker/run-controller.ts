/**
 * The worker's one active run (training, LR range test or loss-topology line): it starts runs on
 * the engine, pauses and stops them, keeps their checkpoints, carries a training run on to the
 * next backend when the WebGPU device is lost, and marks a run that failed. It is handed its post
 * function, the engine and the checkpoint store, so tests drive it on tfjs's cpu backend.
 */
import type { BackendChoice, BackendName, DatasetName, EngineConfig } from '../core/config';
import { isLabError, messageOf } from '../core/errors';
import { explainOutOfMemory, explainRunError } from '../core/faults';
import type { DeviceLostInfo } from '../engine/backend';
import type { LoadedDataset } from '../engine/data/types';
import type { RangeEngineEvent } from '../engine/range-test';
import type { EngineEvent } from '../engine/run';
import type { WeightSnapshot } from '../engine/topology';
import { CheckpointQueue, type CheckpointStore, type Resumable } from './checkpoint-queue';
import type { EnginePort } from './engine-port';
import type { Command, WorkerEvent } from './protocol';
import { RunGate } from './run-gate';

export interface ControllerDeps {
  post(e: WorkerEvent): void;
  engine: EnginePort;
  checkpoints: CheckpointStore;
  datasets: { get(dataset: DatasetName): Promise<LoadedDataset> };
  /** Resolves in a later task, so that page commands get in between steps. */
  yieldTask(): Promise<void>;
  /** Runs before each training step: the e2e build's injected faults throw or poison here. */
  beforeStep?(): void;
}

type StartCommand = Extract<Command, { type: 'start' }>;

interface ActiveRun {
  runId: string;
  gate: RunGate;
  /** A training run's command, so a lost device can restart it on the next backend. */
  cmd?: StartCommand;
  /** Its device was lost or ran out of memory: already marked failed or carried on elsewhere. */
  deviceLost?: boolean;
  /** Replaced after a lost device: its loop may still be unwinding but must say nothing. */
  abandoned?: boolean;
}

export class RunController {
  private active: ActiveRun | null = null;
  /** Weight snapshots of the latest training run, for the loss-topology line. */
  private snapshots: { runId: string; config: EngineConfig; list: WeightSnapshot[] } | null = null;
  /** The backend asked for last, and the one tfjs runs on now (for error messages). */
  private backendChoice: BackendChoice | null = null;
  private backendInUse: BackendName | null = null;
  private readonly queue: CheckpointQueue;
  /** Runs under way, an abandoned one still unwinding included: `idle` waits for them all. */
  private readonly work = new Set<Promise<void>>();

  constructor(private readonly deps: ControllerDeps) {
    this.queue = new CheckpointQueue(deps.checkpoints, deps.post);
  }

  /** Handles the run commands; the worker's data commands and test faults are not its. */
  command(cmd: Command): void {
    const { post } = this.deps;
    switch (cmd.type) {
      case 'listCheckpoints':
        this.deps.checkpoints.list().then(
          (list) =>
            post({ type: 'checkpoints', list: list.map(({ runId, step }) => ({ runId, step })) }),
          () => post({ type: 'checkpoints', list: [] }),
        );
        return;
      case 'pause':
        return this.active?.gate.pause();
      case 'resume':
        return this.active?.gate.resume();
      case 'stop':
        return this.active?.gate.stop();
      case 'topology': {
        const error = 'A run is active: wait for it to end before evaluating the line.';
        if (this.refused({ type: 'topologyResult', runId: cmd.runId, points: [], error })) return;
        return this.track(this.topology(cmd));
      }
      case 'rangeTest': {
        const message = 'A run is already active: stop it before starting a range test.';
        if (this.refused({ type: 'error', message })) return;
        return this.track(this.rangeTest(cmd));
      }
      case 'start': {
        const message = 'A run is already active: stop it before starting another.';
        if (this.refused({ type: 'error', message })) return;
        // The previous run's snapshots give way to this run's.
        this.dropSnapshots();
        if (cmd.snapshotAt?.length)
          this.snapshots = { runId: cmd.runId, config: cmd.config, list: [] };
        this.track(this.train(cmd.runId, cmd));
      }
    }
  }

  /** One run at a time: while one is active, a new one is answered with `answer` instead. */
  private refused(answer: WorkerEvent): boolean {
    if (this.active) this.deps.post(answer);
    return this.active !== null;
  }

  /** Resolves once no run is under way (one carried on after a lost device included). */
  async idle(): Promise<void> {
    while (this.work.size) await Promise.all(this.work);
    await this.queue.settled();
  }

  /** tfjs's backend was switched behind the controller: the next run selects its own again. */
  forgetBackend(): void {
    this.backendChoice = null;
  }

  private track(work: Promise<void>): void {
    this.work.add(work);
    void work.finally(() => this.work.delete(work));
  }

  /**
   * The WebGPU device was lost. tfjs does not handle it: a training run goes on from its last
   * checkpoint on the next backend; a range test or line evaluation stops with a message. WebGPU
   * is not used again in this worker (tfjs would hand back the dead instance).
   */
  deviceLost(info: DeviceLostInfo): void {
    this.backendChoice = null;
    this.backendInUse = null;
    this.deps.engine.markBroken('webgpu');
    const why = `The GPU device was lost (${info.reason || 'unknown'}: ${info.message || 'no detail'})`;
    const run = this.active;
    if (run?.cmd && !run.abandoned) {
      this.track(this.continueElsewhere(run, run.cmd, why));
    } else if (run) {
      run.deviceLost = true;
      const message = `${why}. Start again.`;
      this.deps.post({ type: 'state', runId: run.runId, state: 'failed', message });
      run.gate.stop();
    } else {
      this.deps.post({ type: 'error', message: `${why}.` });
    }
  }

  /** An allocation WebGPU could not make does not throw in tfjs: stop the run with advice. */
  gpuError(message: string, outOfMemory: boolean): void {
    const run = this.active;
    if (!outOfMemory || !run || run.abandoned || run.deviceLost) return;
    run.deviceLost = true;
    const batch = run.cmd?.config.batchSize ?? 1;
    this.deps.post({
      type: 'state',
      runId: run.runId,
      state: 'failed',
      message: explainOutOfMemory(`GPUOutOfMemoryError: ${message}`, batch, 'webgpu'),
    });
    run.gate.stop();
  }

  /** Makes `runId` the active run; `announce`: the page hears when it pauses and goes on. */
  private begin(runId: string, announce: boolean, cmd?: StartCommand): ActiveRun {
    const post = this.deps.post;
    const gate = new RunGate(this.deps.yieldTask, (waiting) => {
      if (announce) post({ type: 'state', runId, state: waiting ? 'paused' : 'running' });
    });
    const run: ActiveRun = { runId, gate, ...(cmd ? { cmd } : {}) };
    this.active = run;
    return run;
  }

  private end(run: ActiveRun): void {
    if (this.active === run) this.active = null;
  }

  /** Backend and dataset ready for a run of `config`: shared by every kind of run. */
  private async prepare(config: EngineConfig): Promise<LoadedDataset> {
    if (this.backendChoice !== config.backend) {
      const chosen = await this.deps.engine.selectBackend(config.backend);
      this.backendChoice = config.backend;
      this.backendInUse = chosen.backend;
      this.deps.post({ type: 'backend', requested: config.backend, ...chosen });
    }
    const data = await this.deps.datasets.get(config.dataset);
    await data.test.ensure(Math.min(config.valSize, data.test.total));
    return data;
  }

  private dropSnapshots(): void {
    this.snapshots?.list.forEach((s) => this.deps.engine.disposeSnapshot(s));
    this.snapshots = null;
  }

  private async topology(cmd: Extract<Command, { type: 'topology' }>): Promise<void> {
    const { runId } = cmd;
    const post = this.deps.post;
    const held = this.snapshots?.runId === runId ? this.snapshots : null;
    if (!held || held.list.length < 2) {
      post({ type: 'topologyResult', runId, points: [], error: 'This run has no two snapshots.' });
      return;
    }
    const run = this.begin(runId, false);
    try {
      const data = await this.prepare(held.config);
      const [w1, w2] = held.list as [WeightSnapshot, WeightSnapshot];
      const points = await this.deps.engine.evaluateLine(w1, w2, data, {
        trainCount: cmd.trainCount,
        valCount: cmd.valCount,
        batchSize: held.config.batchSize,
        dataset: held.config.dataset,
        checkpoint: () => run.gate.checkpoint(),
      });
      post({ type: 'topologyResult', runId, points });
    } catch (err) {
      post({ type: 'topologyResult', runId, points: [], error: messageOf(err) });
    } finally {
      this.end(run);
    }
  }

  private async rangeTest(cmd: Extract<Command, { type: 'rangeTest' }>): Promise<void> {
    const { runId, config, range } = cmd;
    const post = this.deps.post;
    const run = this.begin(runId, true);
    const emit = (e: RangeEngineEvent): void => post({ ...e, runId } as WorkerEvent);
    post({ type: 'state', runId, state: 'starting' });
    try {
      const data = await this.prepare(config);
      post({ type: 'state', runId, state: 'running' });
      const outcome = await this.deps.engine.runRangeTest(config, range, data, {
        emit,
        checkpoint: () => run.gate.checkpoint(),
        pauseRequested: () => run.gate.isPaused,
      });
      // Divergence is how a range test is meant to end: the page marks it from rangeResult.
      post({ type: 'state', runId, state: outcome === 'stopped' ? 'stopped' : 'done' });
    } catch (err) {
      post({ type: 'state', runId, state: 'failed', message: messageOf(err) });
    } finally {
      this.end(run);
    }
  }

  /**
   * Trains run `runId`: from scratch, or from `from` (a checkpoint) when resuming. A run abandoned
   * after a lost device says nothing more; its replacement carries on under the same id.
   */
  private async train(runId: string, cmd: StartCommand, from?: Resumable): Promise<void> {
    const { config } = cmd;
    const run = this.begin(runId, true, cmd);
    const say = (e: WorkerEvent): void => {
      if (!run.abandoned) this.deps.post(e);
    };
    say({ type: 'state', runId, state: 'starting' });
    try {
      if (cmd.resume && !from) {
        from = await this.queue.stored(runId);
        const step = from.meta.step;
        const message = `Resumed from the checkpoint after step ${step}.`;
        say({ type: 'resumed', runId, step, message });
      }
      const data = await this.prepare(config);
      say({ type: 'state', runId, state: 'running' });
      const outcome = await this.deps.engine.runTraining(
        config,
        data,
        {
          emit: (e: EngineEvent) => say({ ...e, runId } as WorkerEvent),
          checkpoint: () => {
            this.deps.beforeStep?.();
            return run.gate.checkpoint();
          },
          pauseRequested: () => run.gate.isPaused,
          // The user's Stop keeps the progress; a lost or failed device's state is not read.
          checkpointOnStop: () => !run.abandoned && !run.deviceLost,
        },
        {
          snapshotSteps: cmd.snapshotAt,
          evalsPerEpoch: cmd.evalsPerEpoch,
          onSnapshot: (snap) => {
            if (this.snapshots?.runId !== runId) return this.deps.engine.disposeSnapshot(snap);
            this.snapshots.list.push(snap);
            this.deps.post({ type: 'snapshot', runId, step: snap.step });
          },
          ...(from ? { resumeFrom: from } : {}),
          onCheckpoint: (state) => {
            if (!run.abandoned) this.queue.keep(runId, config, state);
          },
        },
      );
      // 'diverged' is announced by the engine with its step and LR; a lost device by its handler.
      if (outcome !== 'diverged' && !run.deviceLost) say({ type: 'state', runId, state: outcome });
      // A finished or diverged run has nothing to resume.
      if (outcome !== 'stopped' && !run.abandoned) this.queue.forget(runId);
    } catch (err) {
      // A lost device often fails a readback before its 'lost' handler runs: give that a moment,
      // so the run goes on from its checkpoint instead of failing.
      if (this.backendInUse === 'webgpu') await this.deps.engine.gpuLostWithin(2000);
      if (!run.deviceLost)
        say({ type: 'state', runId, state: 'failed', message: this.explain(err, config) });
    } finally {
      this.end(run);
    }
  }

  private explain(err: unknown, config: EngineConfig): string {
    const backend = this.backendInUse ?? undefined;
    return isLabError(err, 'out-of-memory')
      ? explainOutOfMemory(messageOf(err), config.batchSize, backend)
      : explainRunError(messageOf(err), config.batchSize, backend);
  }

  /**
   * The WebGPU device of the active run was lost: drop that run's loop, start the next backend,
   * and carry on from the last checkpoint (or from the start, when there is none yet).
   */
  private async continueElsewhere(run: ActiveRun, cmd: StartCommand, why: string): Promise<void> {
    const post = this.deps.post;
    run.abandoned = true;
    run.gate.stop();
    // `active` stays this run until its replacement starts, so no other run slips in meanwhile.
    const from = await this.queue.storedOrNull(run.runId);
    this.backendChoice = null;
    try {
      const chosen = await this.deps.engine.selectBackend(cmd.config.backend);
      this.backendChoice = cmd.config.backend;
      this.backendInUse = chosen.backend;
      post({
        type: 'backend',
        requested: cmd.config.backend,
        ...chosen,
        fallbackReason: `${why}; ${chosen.fallbackReason ?? ''}`.replace(/; $/, ''),
      });
      const step = from?.meta.step ?? 0;
      const where = from ? `the checkpoint after step ${step}` : 'the start (no checkpoint yet)';
      const message = `${why}. Continuing on ${chosen.backend} from ${where}.`;
      post({ type: 'resumed', runId: run.runId, step, message });
      this.track(this.train(run.runId, { ...cmd, resume: false }, from ?? undefined));
    } catch (err) {
      this.end(run);
      post({
        type: 'state',
        runId: run.runId,
        state: 'failed',
        message: `${why}: ${messageOf(err)}`,
      });
    }
  }
}
