/**
 * The one typed protocol between the page and the training worker. The UI imports only these
 * types; the worker owns the implementation. Points stream incrementally, never whole histories.
 */
import type { BackendChoice, BackendName, DatasetName, ModelName } from '../core/config';
import type { WorkerConfig } from '../core/config-travel';
import type { SpeedSample } from '../core/estimate';
import type { RangeSpec } from '../core/range-test';
import type { Progress, RunState, TrainPoint, ValPoint } from '../core/run';
import type { TopologyPoint } from '../core/topology';

export type { Progress, RunState, TopologyPoint, TrainPoint, ValPoint };

/** Page → worker. */
export type Command =
  | { type: 'loadDataset'; dataset: DatasetName }
  /** A tarball the user picked in the page; parsed (gunzip, untar) in the worker. */
  | { type: 'loadTarball'; file: File; dataset: DatasetName }
  /**
   * `snapshotAt`: steps whose weights the worker keeps for the loss-topology line.
   * `evalsPerEpoch`: validation passes per epoch (default 1; sweeps ask for more on short runs).
   * `config`: the training settings only (`toWorkerConfig`); the page keeps its own state.
   */
  | {
      type: 'start';
      runId: string;
      config: WorkerConfig;
      snapshotAt?: number[];
      evalsPerEpoch?: number;
      /** Continue run `runId` from its last checkpoint (the worker answers 'resumed'). */
      resume?: boolean;
    }
  /** Which runs have a checkpoint to resume from (answered by 'checkpoints'). */
  | { type: 'listCheckpoints' }
  /** Test-only fault injection: handled only in the e2e build (`__LAB_TEST_HOOKS__`). */
  | { type: 'testFault'; fault: TestFault }
  /** Loss along the line between the two snapshots of run `runId` (first images of each split). */
  | { type: 'topology'; runId: string; trainCount: number; valCount: number }
  /**
   * An LR range test: a fresh model swept over `range` (the page's range settings, which travel
   * only here); pause and stop apply as to a run.
   */
  | { type: 'rangeTest'; runId: string; config: WorkerConfig; range: RangeSpec }
  | { type: 'pause' }
  | { type: 'resume' }
  | { type: 'stop' }
  /** Time a few warm training steps of `model` at `batch` on `backend` (answered by 'speed'). */
  | {
      type: 'measureSpeed';
      model: ModelName;
      dataset: DatasetName;
      backend: BackendChoice;
      batch: number;
    }
  /** Ends a speed measurement under way: a run is about to need the worker. */
  | { type: 'cancelSpeed' };

/**
 * Faults the e2e build can inject: an uncaught throw in the worker (a crash), a destroyed WebGPU
 * device, an out-of-memory error at the next training step, NaN weights (so the loss diverges).
 */
export type TestFault = 'throw' | 'deviceLost' | 'oom' | 'nan';

/** Worker → page. */
export type WorkerEvent =
  | { type: 'ready' }
  | {
      type: 'backend';
      backend: BackendName;
      requested: BackendChoice;
      /** Set when the requested or preferred backend could not be used, saying why. */
      fallbackReason?: string;
      /** e.g. the WebGPU adapter's vendor/architecture, for the status line. */
      detail?: string;
    }
  | {
      type: 'data';
      dataset: DatasetName;
      phase: 'loading' | 'ready' | 'missing' | 'error';
      /** Images loaded so far and in all, for the progress bar. */
      loaded: number;
      total: number;
      /** Where the bytes came from: the network, the browser cache, or a picked file. */
      source?: 'network' | 'cache' | 'file';
      message?: string;
    }
  | ({ type: 'progress'; runId: string } & Progress)
  | { type: 'trainPoints'; runId: string; points: TrainPoint[] }
  | { type: 'valPoint'; runId: string; point: ValPoint }
  | { type: 'state'; runId: string; state: RunState; message?: string }
  /** A range test's end: where it diverged (LR and step), or nulls when it swept to the end. */
  | { type: 'rangeResult'; runId: string; divergedAt: number | null; divergedStep: number | null }
  /** The worker now holds the weights of `runId` after `step`. */
  | { type: 'snapshot'; runId: string; step: number }
  /** The topology line: points, or why there are none (`error`). */
  | { type: 'topologyResult'; runId: string; points: TopologyPoint[]; error?: string }
  | { type: 'error'; message: string }
  /** Run `runId`'s state after `step` is saved (or, with `error`, could not be). */
  | { type: 'checkpoint'; runId: string; step: number; error?: string }
  /** The runs with a checkpoint, and the step each one holds. */
  | { type: 'checkpoints'; list: { runId: string; step: number }[] }
  /**
   * Run `runId` continues from its checkpoint after `step`: points after it are void and come
   * again. `message` says why (a resume asked for; a lost device, and the backend now used).
   */
  | { type: 'resumed'; runId: string; step: number; message: string }
  /** A speed measurement (core/estimate's SpeedSample), or why there is none (`error`). */
  | { type: 'speed'; model: ModelName; sample: SpeedSample | null; error?: string };
