/**
 * GPU time per dispatch of a replayed plan, for the GPU check's per-kernel profile
 * (scripts/gpu/driver.ts). WebGPU times passes, not dispatches: a timed replay puts each
 * dispatch in a compute pass of its own with a timestamp at its beginning and end. The extra
 * passes cost a little (a pass boundary), so a timed replay is for profiling only. Dawn rounds
 * timestamps unless its `timestamp_quantization` toggle is off (the GPU script turns it off).
 */
import type { PlanDispatch } from './plan-dispatch';

export interface DispatchTime {
  /** The dispatch's kind: its key up to the first '_' (as the plan's traffic table). */
  kind: string;
  ms: number;
}

/**
 * Encodes `dispatches` on `encoder`, one timed pass each, and the copy of their timestamps to a
 * buffer to read. The returned function, called once the encoder is submitted, reads them and
 * frees what it made.
 */
export function encodeTimed(
  device: GPUDevice,
  encoder: GPUCommandEncoder,
  dispatches: PlanDispatch[],
): () => Promise<DispatchTime[]> {
  const count = 2 * dispatches.length;
  const querySet = device.createQuerySet({ type: 'timestamp', count });
  const resolved = device.createBuffer({
    size: 8 * count,
    usage: GPUBufferUsage.QUERY_RESOLVE | GPUBufferUsage.COPY_SRC,
  });
  const read = device.createBuffer({
    size: 8 * count,
    usage: GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST,
  });
  dispatches.forEach((d, k) => {
    const pass = encoder.beginComputePass({
      timestampWrites: {
        querySet,
        beginningOfPassWriteIndex: 2 * k,
        endOfPassWriteIndex: 2 * k + 1,
      },
    });
    pass.setPipeline(d.pipeline);
    pass.setBindGroup(0, d.bindGroup);
    pass.dispatchWorkgroups(...d.workgroups);
    pass.end();
  });
  encoder.resolveQuerySet(querySet, 0, count, resolved, 0);
  encoder.copyBufferToBuffer(resolved, 0, read, 0, 8 * count);
  return async () => {
    await read.mapAsync(GPUMapMode.READ);
    const ticks = new BigUint64Array(read.getMappedRange().slice(0));
    read.unmap();
    for (const b of [read, resolved]) b.destroy();
    querySet.destroy();
    // Nanoseconds; an end before its beginning (a clock that is not monotonic) reads 0.
    return dispatches.map((d, k) => {
      const ns = ticks[2 * k + 1]! > ticks[2 * k]! ? ticks[2 * k + 1]! - ticks[2 * k]! : 0n;
      return { kind: d.key.split('_')[0]!, ms: Number(ns) / 1e6 };
    });
  };
}
