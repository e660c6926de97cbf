/**
 * When to run a body through tfjs, when to record it and when to replay its plan: shared by the
 * training step (replayer.ts) and evaluation (eval-replayer.ts). The first run at a shape goes
 * through tfjs (it compiles pipelines and makes the body's cached constants), the second is
 * recorded, and every later one is replayed until something the plan binds changes (a
 * checkpoint restore assigns the weights, say): then the next run is recorded again. A body a
 * replay could not repeat is refused once and always runs through tfjs after that.
 */
import type * as tf from '@tensorflow/tfjs';
import type { WebGpuInternals } from './internals';
import { fuseApply } from './fuse-apply';
import { fuseGradPairs } from './fuse-grads';
import { fuseStats } from './fuse-stats';
import type { DispatchTime } from './plan-timing';
import { openEncoder, record, type StepPlan } from './step-plan';

/** How runs have gone: for the bench, the GPU check and tests. */
export interface ReplayStatus {
  /** Dispatches per replay; null until a run has been recorded. */
  dispatches: number | null;
  /** GPU bytes the plan holds for the body's own tensors. */
  bytes: number;
  /** Bytes a replay reads and writes, counted from the plan (`StepPlan.traffic`); 0 with none. */
  trafficBytes: number;
  /** Parameters whose SGD update the plan does in place, in one dispatch (fuse-sgd.ts). */
  fusedSgd: number;
  /** Dispatches those updates take: two share one where they were recorded back to back. */
  sgdDispatches: number;
  /** Conv units whose filter and input gradients the plan runs as one dispatch (fuse-grads.ts). */
  gradPairs: number;
  /** BN layers whose batch statistics come from their conv's tiles (fuse-stats.ts). */
  statsFused: number;
  /** Block outputs computed by the next conv as it loads them (fuse-apply.ts). */
  applyFused: number;
  /** BN layers whose backward sums come from their dy's producing tiles (fuse-sums.ts). */
  sumsFused: number;
  recordings: number;
  replays: number;
  /** Why the body could not be recorded (it then always runs through tfjs). */
  refused: string | null;
}

export class PlanRunner {
  private plan: StepPlan | null = null;
  private warm = false;
  private readonly status: ReplayStatus = {
    dispatches: null,
    bytes: 0,
    trafficBytes: 0,
    fusedSgd: 0,
    sgdDispatches: 0,
    gradPairs: 0,
    statsFused: 0,
    sumsFused: 0,
    applyFused: 0,
    recordings: 0,
    replays: 0,
    refused: null,
  };

  /** Where the next replay's dispatch times go (`timeNextReplay`). */
  private timed: ((t: DispatchTime[]) => void) | null = null;

  constructor(private readonly b: WebGpuInternals) {}

  /**
   * Times the next replay's dispatches on the GPU (timestamp queries: the GPU check's profile):
   * resolves to each dispatch's kind and milliseconds once that replay has run. Null without a
   * recorded plan or the device's 'timestamp-query' feature.
   */
  timeNextReplay(): Promise<DispatchTime[]> | null {
    if (!this.plan || !this.b.device.features.has('timestamp-query')) return null;
    return new Promise((resolve) => (this.timed = resolve));
  }

  report(): ReplayStatus {
    return { ...this.status };
  }

  /**
   * One run of `body`, which reads only tensors made before it (the caller's slots, which
   * `copyIn` fills on the GPU). Returns a fresh tensor the caller disposes.
   */
  run<T extends tf.Tensor>(copyIn: (encoder: GPUCommandEncoder) => void, body: () => T): T {
    if (this.plan && !this.plan.valid()) this.drop();
    if (this.plan) {
      this.status.replays++;
      const timed = this.timed;
      this.timed = null;
      return (timed ? this.plan.runTimed(copyIn, timed) : this.plan.run(copyIn)) as T;
    }
    copyIn(openEncoder(this.b));
    if (!this.warm || this.status.refused) {
      this.warm = true;
      return body();
    }
    const recorded = record(this.b, body);
    this.status.recordings++;
    const { plan } = recorded;
    if (plan) {
      this.plan = plan;
      this.status.fusedSgd = plan.fuseSgd();
      this.status.sgdDispatches = plan.sgdDispatches;
      const grads = plan.rewrite(fuseGradPairs);
      this.status.gradPairs = grads.pairs;
      this.status.sumsFused = grads.sums;
      this.status.applyFused = plan.rewrite(fuseApply).layers;
      this.status.statsFused = plan.rewrite(fuseStats).layers;
      this.status.dispatches = plan.dispatchCount;
      this.status.bytes = plan.bytes;
      this.status.trafficBytes = plan.traffic.bytes;
    } else {
      this.status.refused = recorded.reason;
    }
    return recorded.loss as T;
  }

  /** New slots (a new shape): the next run goes through tfjs again, then is recorded. */
  reset(): void {
    this.drop();
    this.warm = false;
  }

  /** The plan's traffic by kernel kind, for the bench; null with no plan. */
  trafficByKind(): Map<string, { dispatches: number; bytes: number }> | null {
    return this.plan?.traffic.kinds ?? null;
  }

  dispose(): void {
    this.drop();
  }

  private drop(): void {
    this.plan?.dispose();
    this.plan = null;
    this.status.bytes = 0;
  }
}
