import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { CHANNEL_STATS } from '../core/dataset';
import { Rng } from '../core/rng';
import { InputPipeline, PAD, type CropOffset } from './augment';
import { useBackend, type TestBackend } from './testing/backend.node.js';

describe.each(['cpu', 'webgpu'] as TestBackend[])('GPU augmentation on %s', (backend) => {
  beforeAll(async () => {
    await useBackend(backend);
  });

  it('crops the zero-padded image at the given offsets, flips, and normalises exactly', async () => {
    const rng = new Rng(3);
    const raw = Float32Array.from({ length: 2 * 32 * 32 * 3 }, () => rng.int(256));
    const x = tf.tensor4d(raw, [2, 32, 32, 3]);
    const offsets: CropOffset[] = [
      { dy: 0, dx: 8, flip: false },
      { dy: 5, dx: 3, flip: true },
    ];
    const pipeline = new InputPipeline(2, 'cifar10', 1);
    const out = pipeline.augmentWith(x, offsets);
    const got = await out.data();
    const { mean, std } = CHANNEL_STATS.cifar10;
    let maxErr = 0;
    let padded = 0;
    offsets.forEach(({ dy, dx, flip }, b) => {
      for (let y = 0; y < 32; y++) {
        for (let xo = 0; xo < 32; xo++) {
          const sy = y + dy - PAD;
          const sx = (flip ? 31 - xo : xo) + dx - PAD;
          const inside = sy >= 0 && sy < 32 && sx >= 0 && sx < 32;
          if (!inside) padded++;
          for (let c = 0; c < 3; c++) {
            const v = inside ? raw[((b * 32 + sy) * 32 + sx) * 3 + c]! : 0;
            const want = (v - mean[c]!) / std[c]!;
            const have = got[((b * 32 + y) * 32 + xo) * 3 + c]!;
            maxErr = Math.max(maxErr, Math.abs(want - have));
          }
        }
      }
    });
    expect(padded).toBeGreaterThan(0);
    expect(maxErr).toBeLessThan(1e-5);
    tf.dispose([x, out]);
    pipeline.dispose();
  });
});
