/**
 * The one typed protocol between the page and the training worker. The UI imports only these
 * types; the worker owns the implementation. Points stream incrementally, never whole histories.
 */
import type { BackendChoice, BackendName, DatasetName, TrainConfig } from '../core/config';
import type { RangeSpec } from '../core/range-test';
import type { Progress, RunState, TrainPoint, ValPoint } from '../core/run';
import type { TopologyPoint } from '../core/topology';

export type { Progress, RunState, TopologyPoint, TrainPoint, ValPoint };

/** Page → worker. */
export type Command =
  | { type: 'loadDataset'; dataset: DatasetName }
  /** A tarball the user picked in the page; parsed (gunzip, untar) in the worker. */
  | { type: 'loadTarball'; file: File; dataset: DatasetName }
  /** `snapshotAt`: steps whose weights the worker keeps for the loss-topology line. */
  | { type: 'start'; runId: string; config: TrainConfig; snapshotAt?: number[] }
  /** Loss along the line between the two snapshots of run `runId` (first images of each split). */
  | { type: 'topology'; runId: string; trainCount: number; valCount: number }
  /** An LR range test: a fresh model swept over `range`; pause and stop apply as to a run. */
  | { type: 'rangeTest'; runId: string; config: TrainConfig; range: RangeSpec }
  | { type: 'pause' }
  | { type: 'resume' }
  | { type: 'stop' };

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
  | { type: 'error'; message: string };
