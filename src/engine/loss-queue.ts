/**
 * Losses left on the GPU until a readback: one stack + one `data()` per flush instead of a sync
 * per step (dataSync on WebGPU stalls the queue). Shared by training and the LR range test.
 */
import * as tf from '@tensorflow/tfjs';

export class LossQueue<M> {
  private pending: { loss: tf.Scalar; meta: M }[] = [];

  get length(): number {
    return this.pending.length;
  }

  /** Takes ownership of `loss`: the queue disposes it. */
  push(loss: tf.Scalar, meta: M): void {
    this.pending.push({ loss, meta });
  }

  /** Reads every pending loss in one transfer, in push order, and frees them. */
  async drain(): Promise<{ meta: M; loss: number }[]> {
    if (this.pending.length === 0) return [];
    const batch = this.pending;
    this.pending = [];
    try {
      const stacked = tf.stack(batch.map((p) => p.loss));
      const values = await stacked.data();
      stacked.dispose();
      return batch.map((p, i) => ({ meta: p.meta, loss: values[i]! }));
    } finally {
      tf.dispose(batch.map((p) => p.loss));
    }
  }

  dispose(): void {
    tf.dispose(this.pending.map((p) => p.loss));
    this.pending = [];
  }
}
