/**
 * Evaluation batches on WebGPU through a recorded plan, as the training step runs (replayer.ts):
 * the forward pass in inference mode and the batch's [loss, top-1, top-5] sums, one dispatch
 * list replayed per batch. Its slots are the batch, its labels (both copied in on the GPU) and
 * the padding mask of a partial last batch (one queue write). The plan reads the weights and
 * running statistics where they are, and a replayed training step updates them in place, so one
 * recording serves every validation of a run; a restore that replaces them forces a new one.
 */
import * as tf from '@tensorflow/tfjs';
import { bufferOf, flush, webGpuInternals, type WebGpuInternals } from './internals';
import { PlanRunner, type ReplayStatus } from './plan-runner';
import { copy } from './replayer';

/** One evaluation batch: images [batch, 32, 32, 3] (raw), labels, mask → sums [3]. */
export type EvalBody = (x: tf.Tensor4D, labels: tf.Tensor1D, mask: tf.Tensor1D) => tf.Tensor1D;

interface Slots {
  x: tf.Tensor4D;
  labels: tf.Tensor1D;
  mask: tf.Tensor1D;
}

export class EvalReplayer {
  private slots: Slots | null = null;
  private readonly runner: PlanRunner;

  private constructor(
    private readonly b: WebGpuInternals,
    private readonly body: EvalBody,
  ) {
    this.runner = new PlanRunner(b);
  }

  /** A replayer on the current backend, or null when it is not tfjs's WebGPU backend. */
  static create(body: EvalBody): EvalReplayer | null {
    const b = webGpuInternals();
    return b ? new EvalReplayer(b, body) : null;
  }

  report(): ReplayStatus {
    return this.runner.report();
  }

  /** The sums of one batch: a fresh tensor the caller disposes. */
  run(xRaw: tf.Tensor4D, labels: tf.Tensor1D, mask: Float32Array<ArrayBuffer>): tf.Tensor1D {
    const slots = this.slotsFor(xRaw.shape);
    const { b } = this;
    const maskBuffer = bufferOf(b, slots.mask);
    flush(b); // the slot's own upload and earlier work first: a queue write passes pending work
    b.queue.writeBuffer(maskBuffer, 0, mask);
    const copyIn = (encoder: GPUCommandEncoder) => {
      copy(encoder, bufferOf(b, xRaw), bufferOf(b, slots.x), xRaw.size);
      copy(encoder, bufferOf(b, labels), bufferOf(b, slots.labels), labels.size);
    };
    return this.runner.run(copyIn, () => this.body(slots.x, slots.labels, slots.mask));
  }

  dispose(): void {
    this.runner.dispose();
    if (this.slots) tf.dispose(Object.values(this.slots));
    this.slots = null;
  }

  private slotsFor(shape: [number, number, number, number]): Slots {
    if (this.slots?.x.shape.join() === shape.join()) return this.slots;
    this.dispose();
    this.runner.reset();
    const batch = shape[0];
    this.slots = {
      x: tf.keep(tf.zeros(shape)),
      labels: tf.keep(tf.zeros([batch], 'int32') as tf.Tensor1D),
      mask: tf.keep(tf.zeros([batch]) as tf.Tensor1D),
    };
    return this.slots;
  }
}
