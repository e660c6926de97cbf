/**
 * Runs a training step on WebGPU through a recorded plan (step-plan.ts) whenever it can. The
 * step's per-step values live in slots, tensors made once per batch size that the step reads:
 * the batch and its labels are copied in on the GPU, the crop boxes and [lr, momentum, weight
 * decay] written with one queue write each. The first step at a batch size runs through tfjs
 * (it compiles pipelines and makes the step's cached constants), the second is recorded, and
 * every later one is replayed until something the plan binds changes (a checkpoint restore
 * assigns the weights, say): then the next step is recorded again.
 */
import * as tf from '@tensorflow/tfjs';
import { bufferOf, flush, webGpuInternals, type WebGpuInternals } from './internals';
import { openEncoder, record, type StepPlan } from './step-plan';

/** The step itself, reading its per-step values from the slots. */
export type StepBody = (
  x: tf.Tensor4D,
  labels: tf.Tensor1D,
  boxes: tf.Tensor2D | null,
  hyper: tf.Tensor1D,
) => tf.Scalar;

export interface StepValues {
  xRaw: tf.Tensor4D;
  labels: tf.Tensor1D;
  /** Crop boxes [batch·4] (null: no augmentation). */
  boxes: Float32Array<ArrayBuffer> | null;
  /** [lr, momentum, weight decay]. */
  hyper: Float32Array<ArrayBuffer>;
}

/** How steps have run: for the bench, the GPU check and tests. */
export interface ReplayStatus {
  /** Dispatches per replayed step; null until a step has been recorded. */
  dispatches: number | null;
  /** GPU bytes the plan holds for the step's own tensors. */
  bytes: number;
  /** Parameters whose SGD update the plan does in place, in one dispatch (fuse-sgd.ts). */
  fusedSgd: number;
  /** Dispatches those updates take: two share one where they were recorded back to back. */
  sgdDispatches: number;
  /** Conv units whose filter and input gradients the plan runs as one dispatch (fuse-grads.ts). */
  gradPairs: number;
  recordings: number;
  replays: number;
  /** Why the step could not be recorded (it then always runs through tfjs). */
  refused: string | null;
}

interface Slots {
  x: tf.Tensor4D;
  labels: tf.Tensor1D;
  boxes: tf.Tensor2D;
  hyper: tf.Tensor1D;
}

export class StepReplayer {
  private slots: Slots | null = null;
  private plan: StepPlan | null = null;
  private warm = false;
  private readonly status: ReplayStatus = {
    dispatches: null,
    bytes: 0,
    fusedSgd: 0,
    sgdDispatches: 0,
    gradPairs: 0,
    recordings: 0,
    replays: 0,
    refused: null,
  };

  private constructor(
    private readonly b: WebGpuInternals,
    private readonly body: StepBody,
  ) {}

  /** A replayer on the current backend, or null when it is not tfjs's WebGPU backend. */
  static create(body: StepBody): StepReplayer | null {
    const b = webGpuInternals();
    return b ? new StepReplayer(b, body) : null;
  }

  report(): ReplayStatus {
    return { ...this.status };
  }

  step(values: StepValues): tf.Scalar {
    const slots = this.slotsFor(values.xRaw.shape);
    const { b } = this;
    // Queue writes land before any work tfjs has recorded but not submitted: so first the
    // slots' own uploads (a new slot's zeros may still be a pending copy), then the previous
    // step's reads, are submitted.
    const hyperBuffer = bufferOf(b, slots.hyper);
    const boxBuffer = bufferOf(b, slots.boxes);
    flush(b);
    b.queue.writeBuffer(hyperBuffer, 0, values.hyper);
    if (values.boxes) b.queue.writeBuffer(boxBuffer, 0, values.boxes);
    const copyIn = (encoder: GPUCommandEncoder) => {
      copy(encoder, bufferOf(b, values.xRaw), bufferOf(b, slots.x), values.xRaw.size);
      copy(encoder, bufferOf(b, values.labels), bufferOf(b, slots.labels), values.labels.size);
    };
    const boxes = values.boxes ? slots.boxes : null;
    const run = () => this.body(slots.x, slots.labels, boxes, slots.hyper);

    if (this.plan && !this.plan.valid()) this.dropPlan();
    if (this.plan) {
      this.status.replays++;
      return this.plan.run(copyIn);
    }
    copyIn(openEncoder(b));
    if (!this.warm || this.status.refused) {
      this.warm = true;
      return run();
    }
    const recorded = record(b, run);
    this.status.recordings++;
    if (recorded.plan) {
      this.plan = recorded.plan;
      this.status.fusedSgd = recorded.plan.fuseSgd();
      this.status.sgdDispatches = recorded.plan.sgdDispatches;
      this.status.gradPairs = recorded.plan.fuseGrads();
      this.status.dispatches = recorded.plan.dispatchCount;
      this.status.bytes = recorded.plan.bytes;
    } else {
      this.status.refused = recorded.reason;
    }
    return recorded.loss;
  }

  dispose(): void {
    this.dropPlan();
    if (this.slots) tf.dispose(Object.values(this.slots));
    this.slots = null;
  }

  private dropPlan(): void {
    this.plan?.dispose();
    this.plan = null;
    this.status.bytes = 0;
  }

  private slotsFor(shape: [number, number, number, number]): Slots {
    const batch = shape[0]!;
    if (this.slots?.x.shape.join() === shape.join()) return this.slots;
    this.dispose();
    this.warm = false;
    // Kept: a caller's tf.tidy around the step must not free them.
    this.slots = {
      x: tf.keep(tf.zeros(shape)),
      labels: tf.keep(tf.zeros([batch], 'int32') as tf.Tensor1D),
      boxes: tf.keep(tf.zeros([batch, 4]) as tf.Tensor2D),
      hyper: tf.keep(tf.zeros([3]) as tf.Tensor1D),
    };
    return this.slots;
  }
}

function copy(encoder: GPUCommandEncoder, from: GPUBuffer, to: GPUBuffer, elements: number) {
  encoder.copyBufferToBuffer(from, 0, to, 0, elements * 4);
}
