/**
 * Input pipeline on the GPU: random crop from a 4-pixel zero-padded image plus horizontal flip
 * (He et al.'s augmentation), then per-channel normalisation. Three kernels per batch: pad,
 * cropAndResize (one box per image; a box with x1 > x2 reads right to left, i.e. flips), and a
 * FusedBatchNorm kernel used as (x − mean)/std. Crop offsets come from a seeded CPU Rng.
 */
import * as tf from '@tensorflow/tfjs';
import type { DatasetName } from '../core/config';
import { CHANNEL_STATS, IMAGE_HEIGHT, IMAGE_WIDTH } from '../core/dataset';
import { Rng } from '../core/rng';
import { fusedBatchNorm } from './ops/raw';

export const PAD = 4;

/** Rng draws per augmented image (dy, dx, flip): a resumed run skips this many per image done. */
export const AUGMENT_DRAWS_PER_IMAGE = 3;

export interface CropOffset {
  dy: number;
  dx: number;
  flip: boolean;
}

/** Normalised crop boxes for cropAndResize: [y1, x1, y2, x2] per image, in padded coordinates. */
export function cropBoxes(
  offsets: CropOffset[],
  height = IMAGE_HEIGHT,
  width = IMAGE_WIDTH,
): Float32Array {
  const hp = height + 2 * PAD - 1;
  const wp = width + 2 * PAD - 1;
  const boxes = new Float32Array(offsets.length * 4);
  offsets.forEach(({ dy, dx, flip }, i) => {
    const x1 = dx / wp;
    const x2 = (dx + width - 1) / wp;
    boxes.set([dy / hp, flip ? x2 : x1, (dy + height - 1) / hp, flip ? x1 : x2], i * 4);
  });
  return boxes;
}

export class InputPipeline {
  private readonly mean: tf.Tensor1D;
  private readonly unit: tf.Tensor1D;
  private readonly invStd: tf.Tensor1D;
  private readonly boxInd: tf.Tensor1D;
  private readonly boxes: Float32Array<ArrayBuffer>;
  private readonly rng: Rng;

  constructor(
    private readonly batchSize: number,
    dataset: DatasetName,
    seed: number,
  ) {
    const { mean, std } = CHANNEL_STATS[dataset];
    this.mean = tf.tensor1d(mean);
    this.unit = tf.ones([3]);
    this.invStd = tf.tensor1d(std.map((s) => 1 / s));
    this.boxInd = tf.range(0, batchSize, 1, 'int32') as tf.Tensor1D;
    this.boxes = new Float32Array(batchSize * 4);
    this.rng = new Rng(seed);
  }

  /** (x − mean) / std per channel, in one kernel. */
  normalize(xRaw: tf.Tensor4D): tf.Tensor4D {
    return fusedBatchNorm(xRaw, this.mean, this.unit, null, this.invStd, 0) as tf.Tensor4D;
  }

  /** Random crop + flip + normalise. Expects the fixed batch size. */
  augment(xRaw: tf.Tensor4D): tf.Tensor4D {
    return this.augmentWith(xRaw, this.nextOffsets());
  }

  /** The next batch's random crops and flips (advances the seeded stream). */
  nextOffsets(): CropOffset[] {
    return Array.from({ length: this.batchSize }, () => ({
      dy: this.rng.int(2 * PAD + 1),
      dx: this.rng.int(2 * PAD + 1),
      flip: this.rng.next() < 0.5,
    }));
  }

  /** The next batch's crop boxes ({@link cropBoxes}), for a caller that uploads them itself. */
  nextBoxes(height = IMAGE_HEIGHT, width = IMAGE_WIDTH): Float32Array<ArrayBuffer> {
    this.boxes.set(cropBoxes(this.nextOffsets(), height, width));
    return this.boxes;
  }

  /** Crop at given offsets into the padded image (0..2·PAD), optionally flipped; then normalise. */
  augmentWith(xRaw: tf.Tensor4D, offsets: CropOffset[]): tf.Tensor4D {
    this.boxes.set(cropBoxes(offsets, xRaw.shape[1], xRaw.shape[2]));
    const boxes = tf.tensor2d(this.boxes, [this.batchSize, 4]);
    const out = this.augmentBoxes(xRaw, boxes);
    boxes.dispose();
    return out;
  }

  /** Crop + flip by boxes already in a tensor [batch, 4] (no upload inside), then normalise. */
  augmentBoxes(xRaw: tf.Tensor4D, boxes: tf.Tensor2D): tf.Tensor4D {
    if (xRaw.shape[0] !== this.batchSize) throw new Error('augment: unexpected batch size');
    return tf.tidy(() => {
      const padded = tf.pad(xRaw, [
        [0, 0],
        [PAD, PAD],
        [PAD, PAD],
        [0, 0],
      ]);
      // Nearest sampling at integer source coordinates copies pixels exactly.
      const cropped = tf.image.cropAndResize(
        padded,
        boxes,
        this.boxInd,
        [xRaw.shape[1], xRaw.shape[2]],
        'nearest',
      );
      return this.normalize(cropped);
    });
  }

  dispose(): void {
    tf.dispose([this.mean, this.unit, this.invStd, this.boxInd]);
  }
}
