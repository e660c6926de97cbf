/**
 * Runs a training step on WebGPU through a recorded plan (step-plan.ts) whenever it can
 * (plan-runner.ts says when). The step's per-step values live in slots, tensors made once per
 * batch size that the step reads: the batch and its labels are copied in on the GPU, the crop
 * boxes and [lr, momentum, weight decay] written with one queue write each.
 */
import * as tf from '@tensorflow/tfjs';
import { bufferOf, flush, webGpuInternals, type WebGpuInternals } from './internals';
import { PlanRunner, type ReplayStatus } from './plan-runner';
import type { DispatchTime } from './plan-timing';

export type { ReplayStatus } from './plan-runner';

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

interface Slots {
  x: tf.Tensor4D;
  labels: tf.Tensor1D;
  boxes: tf.Tensor2D;
  hyper: tf.Tensor1D;
}

export class StepReplayer {
  private slots: Slots | null = null;
  private readonly runner: PlanRunner;

  private constructor(
    private readonly b: WebGpuInternals,
    private readonly body: StepBody,
  ) {
    this.runner = new PlanRunner(b);
  }

  /** A replayer on the current backend, or null when it is not tfjs's WebGPU backend. */
  static create(body: StepBody): StepReplayer | null {
    const b = webGpuInternals();
    return b ? new StepReplayer(b, body) : null;
  }

  report(): ReplayStatus {
    return this.runner.report();
  }

  /** The plan's traffic by kernel kind (the bench's table); null before a recording. */
  trafficByKind(): Map<string, { dispatches: number; bytes: number }> | null {
    return this.runner.trafficByKind();
  }

  /** Times the next replayed step's dispatches (plan-runner.ts's `timeNextReplay`). */
  timeNextReplay(): Promise<DispatchTime[]> | null {
    return this.runner.timeNextReplay();
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
    return this.runner.run(copyIn, () => this.body(slots.x, slots.labels, boxes, slots.hyper));
  }

  dispose(): void {
    this.runner.dispose();
    if (this.slots) tf.dispose(Object.values(this.slots));
    this.slots = null;
  }

  private slotsFor(shape: [number, number, number, number]): Slots {
    const batch = shape[0]!;
    if (this.slots?.x.shape.join() === shape.join()) return this.slots;
    this.dispose();
    this.runner.reset();
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

/** Copies `elements` 4-byte values from one buffer to another, on the GPU. */
export function copy(encoder: GPUCommandEncoder, from: GPUBuffer, to: GPUBuffer, elements: number) {
  encoder.copyBufferToBuffer(from, 0, to, 0, elements * 4);
}
