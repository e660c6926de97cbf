// Host cost of the engine's CPU batch assembly (gather by index + CHW→HWC + tensor creation),
// on real CIFAR-10 records read from the official tarball; and the input pipeline's throughput
// with the GPU augmentation (pad + random crop/flip + normalise) included.
import * as tf from '@tensorflow/tfjs';
import { InputPipeline } from '../../src/engine/augment';
import { BatchAssembler } from '../../src/engine/batch';
import { epochOrder } from '../../src/engine/order';
import { memorySplit, readCifarRecords } from '../../src/engine/testing/cifar.node.js';
import { median } from './measure';

export interface PipelineFigures {
  /** median host ms for one assemble() call */
  hostMs: number;
  /** images the timed calls drew from */
  pool: number;
}

export async function measureAssembly(batch: number, calls: number): Promise<PipelineFigures> {
  const pool = Math.max(512, batch * 4);
  const records = await readCifarRecords(pool);
  const split = memorySplit(records.labels, records.pixels);
  const order = epochOrder(1, pool, 1);
  const assembler = new BatchAssembler(batch);
  const samples: number[] = [];
  for (let i = 0; i < calls + 2; i++) {
    const start = (i * batch) % (pool - batch + 1);
    const t0 = performance.now();
    const { x, y } = assembler.assemble(split, order.subarray(start, start + batch));
    const ms = performance.now() - t0;
    if (i >= 2) samples.push(ms); // the first calls pay for JIT warm-up
    tf.dispose([x, y]);
  }
  return { hostMs: median(samples), pool };
}

export interface ThroughputFigures {
  batch: number;
  batches: number;
  /** distinct real CIFAR-10 records the batches are drawn from (shuffled order, as in training) */
  pool: number;
  /** assemble() alone: gather + CHW→HWC + tensor creation (upload deferred by tfjs) */
  hostImagesPerSec: number;
  /** assemble() + upload + the GPU augment kernels, waited for (one readback at the end) */
  withGpuImagesPerSec: number;
  /** batches in the GPU figure (a tenth of `batches`: SwiftShader runs them on the CPU, slowly) */
  gpuBatches: number;
}

/**
 * Images per second through the input pipeline over `batches` batches, after 3 warm-up batches.
 * The GPU figure ends with one readback of the last augmented batch: the queue runs in order, so
 * it waits for every batch's upload and kernels.
 */
export async function measureThroughput(
  batch: number,
  batches: number,
): Promise<ThroughputFigures> {
  const pool = Math.max(2048, batch * 4);
  const records = await readCifarRecords(pool);
  const split = memorySplit(records.labels, records.pixels);
  const order = epochOrder(1, pool, 1);
  const assembler = new BatchAssembler(batch);
  const indices = (i: number) => {
    const start = (i * batch) % (pool - batch + 1);
    return order.subarray(start, start + batch);
  };

  const host = async () => {
    const t0 = performance.now();
    for (let i = 0; i < batches; i++)
      tf.dispose(Object.values(assembler.assemble(split, indices(i))));
    return performance.now() - t0;
  };
  const pipeline = new InputPipeline(batch, 'cifar10', 1);
  const withGpu = async (n: number) => {
    const t0 = performance.now();
    let last: tf.Tensor | null = null;
    for (let i = 0; i < n; i++) {
      const { x, y } = assembler.assemble(split, indices(i));
      last?.dispose();
      last = pipeline.augment(x);
      tf.dispose([x, y]);
    }
    await last?.data();
    last?.dispose();
    return performance.now() - t0;
  };
  try {
    await withGpu(3); // compiles the kernels and warms the JIT
    const hostMs = await host();
    const gpuBatches = Math.max(1, Math.round(batches / 10));
    const gpuMs = await withGpu(gpuBatches);
    return {
      batch,
      batches,
      pool,
      hostImagesPerSec: (batch * batches * 1000) / hostMs,
      withGpuImagesPerSec: (batch * gpuBatches * 1000) / gpuMs,
      gpuBatches,
    };
  } finally {
    pipeline.dispose();
  }
}
