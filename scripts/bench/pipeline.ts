// Host cost of the engine's CPU batch assembly (gather by index + CHW→HWC + tensor creation),
// on real CIFAR-10 records read from the official tarball.
import * as tf from '@tensorflow/tfjs';
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
