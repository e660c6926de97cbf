/**
 * Batch assembly on the CPU: gathers images by index from the channel-planar Uint8 arrays into
 * one reused NHWC Float32Array (transposing CHW → HWC here), then uploads it as one tensor.
 */
import * as tf from '@tensorflow/tfjs';
import { IMAGE_CHANNELS, IMAGE_HEIGHT, IMAGE_WIDTH, PIXELS_PER_IMAGE } from '../core/dataset';
import type { SplitData } from './data/types';

const PLANE = IMAGE_HEIGHT * IMAGE_WIDTH;

export class BatchAssembler {
  private readonly pixels: Float32Array;
  private readonly labels: Int32Array;

  constructor(readonly batchSize: number) {
    this.pixels = new Float32Array(batchSize * PIXELS_PER_IMAGE);
    this.labels = new Int32Array(batchSize);
  }

  /** Tensors for images `indices` (length ≤ batchSize; the rest repeat the first image). */
  assemble(split: SplitData, indices: ArrayLike<number>): { x: tf.Tensor4D; y: tf.Tensor1D } {
    const { pixels, labels } = this;
    for (let b = 0; b < this.batchSize; b++) {
      const idx = indices[b < indices.length ? b : 0]!;
      labels[b] = split.labels[idx]!;
      const src = idx * PIXELS_PER_IMAGE;
      const dst = b * PIXELS_PER_IMAGE;
      for (let p = 0; p < PLANE; p++) {
        const o = dst + p * IMAGE_CHANNELS;
        pixels[o] = split.pixels[src + p]!;
        pixels[o + 1] = split.pixels[src + PLANE + p]!;
        pixels[o + 2] = split.pixels[src + 2 * PLANE + p]!;
      }
    }
    // tfjs may keep a reference to the array until upload; each tensor is consumed (and
    // disposed) before the next assemble call rewrites the buffers.
    return {
      x: tf.tensor4d(pixels, [this.batchSize, IMAGE_HEIGHT, IMAGE_WIDTH, IMAGE_CHANNELS]),
      y: tf.tensor1d(labels, 'int32'),
    };
  }
}
