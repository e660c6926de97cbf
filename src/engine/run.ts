/**
 * The training loop: seeded data order, CPU batch assembly, one GPU step per batch with the
 * scheduled LR/momentum, losses read back every k steps (never every step), validation each epoch.
 */
import {
  rngSeedAfter,
  type CheckpointMeta,
  type CheckpointShapes,
  type CheckpointTensors,
} from '../core/checkpoint';
import type { EngineConfig } from '../core/config';
import { readbackInterval } from '../core/readback';
import type { Progress, RunState, TrainPoint, ValPoint } from '../core/run';
import { runLength } from '../core/run-length';
import { scheduleAt } from '../core/schedules';
import { scheduleFromConfig } from '../core/schedules/from-config';
import { AUGMENT_DRAWS_PER_IMAGE } from './augment';
import { readState, stateShapes, writeState } from './checkpoint';
import type { LoadedDataset } from './data/types';
import type { ModelId } from './models';
import { TrainingSession } from './session';
import { takeSnapshot, type WeightSnapshot } from './topology';

export type EngineEvent =
  | { type: 'trainPoints'; points: TrainPoint[] }
  | { type: 'valPoint'; point: ValPoint }
  | ({ type: 'progress' } & Progress)
  | { type: 'state'; state: RunState; message?: string };

export interface RunHooks {
  emit(e: EngineEvent): void;
  /** Resolves true to continue (waits while paused), false to stop. */
  checkpoint(): Promise<boolean>;
  /** True once a pause is asked for: the loop drains its pending losses before it waits. */
  pauseRequested?(): boolean;
  /**
   * Asked when `checkpoint` says stop: true to save a checkpoint first (the user's Stop), false
   * when the state cannot be trusted or read (a lost device). Absent: no checkpoint on stop.
   */
  checkpointOnStop?(): boolean;
}

export interface RunOptions {
  modelOverride?: ModelId;
  /** Steps between loss readbacks (default: core's readbackInterval of the run's length). */
  readbackEvery?: number;
  /** Validation passes per epoch (default 1, at the end of each epoch). */
  evalsPerEpoch?: number;
  /** Steps after which the weights are cloned and handed to `onSnapshot` (loss topology). */
  snapshotSteps?: readonly number[];
  /** Receives each snapshot; the receiver owns (and disposes) its tensors. */
  onSnapshot?(snapshot: WeightSnapshot): void;
  /** Continues a run of the same config from a checkpoint: steps, curves and data order go on. */
  resumeFrom?: { meta: CheckpointMeta; tensors: CheckpointTensors };
  /**
   * Receives the run's whole state (one readback) at each epoch's end, where a pause or a stop
   * lands and, between, at the first loss readback `checkpointEverySec` (default 30) after the
   * last one. Off when absent.
   */
  onCheckpoint?(state: TrainState): void;
  checkpointEverySec?: number;
}

/** What a checkpoint holds beyond the run's id and config. */
export interface TrainState {
  step: number;
  totalSteps: number;
  augmentSeed: number;
  elapsedSec: number;
  tensors: CheckpointTensors;
  shapes: CheckpointShapes;
}

/** What a queued loss was computed with. */
interface Pending {
  step: number;
  lr: number;
  momentum: number;
}

export async function runTraining(
  config: EngineConfig,
  data: LoadedDataset,
  hooks: RunHooks,
  opts: RunOptions = {},
): Promise<'done' | 'stopped' | 'diverged'> {
  const { stepsPerEpoch, totalSteps } = runLength(config, data.train.total);
  const batchSize = config.batchSize;
  const valSize = Math.min(config.valSize, data.test.total);
  const readbackEvery = Math.max(1, opts.readbackEvery ?? readbackInterval(totalSteps));
  const evalsPerEpoch = Math.max(1, Math.min(stepsPerEpoch, opts.evalsPerEpoch ?? 1));
  const evalSteps = new Set<number>();
  for (let e = 0; e < config.epochs; e++) {
    for (let j = 1; j <= evalsPerEpoch; j++) {
      evalSteps.add(e * stepsPerEpoch + Math.round((j * stepsPerEpoch) / evalsPerEpoch));
    }
  }
  const schedule = scheduleFromConfig(config, stepsPerEpoch);

  const resume = opts.resumeFrom;
  if (resume && resume.meta.totalSteps !== totalSteps)
    throw new Error(
      `The checkpoint is of a ${resume.meta.totalSteps}-step run, this run has ${totalSteps} steps`,
    );
  const startStep = resume?.meta.step ?? 0;
  const augment = config.augment !== 'off';
  const session = new TrainingSession<Pending>(config, data, {
    ...(opts.modelOverride ? { modelOverride: opts.modelOverride } : {}),
    // A resumed run's augmentation Rng and clock continue where the checkpoint left them.
    ...(resume ? { augmentSeed: resume.meta.augmentSeed, elapsedSec: resume.meta.elapsedSec } : {}),
  });
  const { model } = session;
  const velocities = resume || opts.onCheckpoint ? session.velocities() : null;
  if (resume) {
    if (!velocities) {
      session.dispose();
      throw new Error('This version of the train step cannot be resumed from a checkpoint');
    }
    writeState(model, velocities, resume.tensors);
  }
  const checkpointEveryMs = (opts.checkpointEverySec ?? 30) * 1000;
  let lastCheckpointAt = performance.now();
  /** The step of the newest checkpoint (or the resumed one): the same state is not saved twice. */
  let checkpointedStep = startStep;
  let windowStart = performance.now();
  let windowSteps = 0;
  let rate = 0;
  const resetWindow = (): void => {
    windowStart = performance.now();
    windowSteps = 0;
  };

  /** Reads the pending losses in one transfer; returns the first non-finite one, if any. */
  async function flush(): Promise<{ at: Pending; loss: number } | null> {
    const points: TrainPoint[] = [];
    let bad: { at: Pending; loss: number } | null = null;
    for (const { meta: p, loss } of await session.drain()) {
      if (!Number.isFinite(loss)) {
        bad = { at: p, loss };
        break;
      }
      points.push({ step: p.step, loss, lr: p.lr, momentum: p.momentum });
    }
    if (points.length) hooks.emit({ type: 'trainPoints', points });
    return bad;
  }

  function diverged(bad: { at: Pending; loss: number }): 'diverged' {
    hooks.emit({
      type: 'state',
      state: 'diverged',
      message: `Loss became ${bad.loss} at step ${bad.at.step} (LR ${bad.at.lr.toPrecision(3)})`,
    });
    return 'diverged';
  }

  function emitProgress(step: number): void {
    const now = performance.now();
    if (windowSteps > 0 && now > windowStart) {
      rate = (windowSteps * batchSize * 1000) / (now - windowStart);
    }
    windowStart = now;
    windowSteps = 0;
    hooks.emit({
      type: 'progress',
      epoch: Math.min(config.epochs, Math.floor(step / stepsPerEpoch) + 1),
      epochs: config.epochs,
      step,
      totalSteps,
      imagesPerSec: rate,
      etaSec: rate > 0 ? ((totalSteps - step) * batchSize) / rate : null,
    });
  }

  /** Hands the state after `step` to onCheckpoint; weights that went non-finite are not kept. */
  async function checkpoint(step: number): Promise<void> {
    if (!opts.onCheckpoint || !velocities || step === checkpointedStep || step >= totalSteps)
      return;
    checkpointedStep = step;
    lastCheckpointAt = performance.now();
    const tensors = await readState(model, velocities);
    const finite = (a: Float32Array) => a.every((v) => Number.isFinite(v));
    if (!tensors.params.every(finite) || !tensors.velocities.every(finite)) return;
    opts.onCheckpoint({
      step,
      totalSteps,
      augmentSeed: rngSeedAfter(
        config.seed + 1,
        augment ? AUGMENT_DRAWS_PER_IMAGE * batchSize * step : 0,
      ),
      elapsedSec: session.elapsedSec(),
      tensors,
      shapes: stateShapes(model, velocities),
    });
  }

  try {
    for (let step = startStep; step < totalSteps;) {
      if (hooks.pauseRequested?.()) {
        if (session.pending > 0) {
          // Everything computed before the pause reaches the chart before the page says paused.
          const bad = await flush();
          if (bad) return diverged(bad);
          emitProgress(step);
        }
        // A tab closed while paused resumes from here, not from the last periodic checkpoint.
        await checkpoint(step);
      }
      if (!(await hooks.checkpoint())) {
        const bad = await flush();
        if (!bad && hooks.checkpointOnStop?.()) await checkpoint(step);
        return 'stopped';
      }
      const { lr, momentum } = scheduleAt(step, schedule, totalSteps, stepsPerEpoch);
      // Loading took wall time that is not training throughput.
      if ((await session.step(step, lr, momentum, { step: step + 1, lr, momentum })) > 0)
        resetWindow();
      step++;
      windowSteps++;
      if (opts.onSnapshot && opts.snapshotSteps?.includes(step))
        opts.onSnapshot(takeSnapshot(model, step, session.numClasses));

      const isEval = evalSteps.has(step);
      if (session.pending >= readbackEvery || isEval || step === totalSteps) {
        const bad = await flush();
        if (bad) return diverged(bad);
        emitProgress(step);
      }
      if (isEval) {
        hooks.emit({ type: 'valPoint', point: await session.validate(step, valSize) });
        // Evaluation time is not training throughput.
        resetWindow();
      }
      // Only with no loss pending: a reload after it loses no point before the checkpoint.
      const due = isEval || performance.now() - lastCheckpointAt >= checkpointEveryMs;
      if (due && session.pending === 0 && step < totalSteps) {
        await checkpoint(step);
        resetWindow();
      }
    }
    return 'done';
  } finally {
    session.dispose();
  }
}
