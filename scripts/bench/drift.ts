// Soak figures: drift of memory counters across samples, and the flat / not flat verdict.

export interface Sample {
  step: number;
  seconds: number;
  numTensors: number;
  numBytes: number;
  /** webgpu: bytes of the GPU buffers tensors hold (bufferManager.numBytesUsed) */
  gpuBytesUsed: number | null;
  /** webgpu: bytes of every GPU buffer created and not destroyed, pooled ones included */
  gpuBytesAllocated: number | null;
  heapUsed: number;
}

type Metric = 'numTensors' | 'numBytes' | 'gpuBytesUsed' | 'gpuBytesAllocated' | 'heapUsed';
const METRICS: Metric[] = [
  'numTensors',
  'numBytes',
  'gpuBytesUsed',
  'gpuBytesAllocated',
  'heapUsed',
];

export interface Drift {
  first: number;
  last: number;
  /** largest |value − first| over the samples after the first */
  maxDrift: number;
  /** last − value at the middle sample: growth over the second half */
  secondHalfGrowth: number;
}

/** Drift of each metric from the first steady sample (after the first interval of steps). */
export function drifts(samples: Sample[]): Partial<Record<Metric, Drift>> {
  const steady = samples.filter((s) => s.step > 0);
  const out: Partial<Record<Metric, Drift>> = {};
  if (steady.length === 0) return out;
  const mid = steady[Math.floor((steady.length - 1) / 2)]!;
  for (const m of METRICS) {
    const first = steady[0]![m];
    const last = steady[steady.length - 1]![m];
    if (first === null || last === null) continue;
    let maxDrift = 0;
    for (const s of steady) maxDrift = Math.max(maxDrift, Math.abs((s[m] as number) - first));
    out[m] = { first, last, maxDrift, secondHalfGrowth: last - (mid[m] as number) };
  }
  return out;
}

/** Flat: tensor count and tensor/GPU bytes in use exactly constant; pools and heap stop growing. */
export function verdict(d: Partial<Record<Metric, Drift>>): { flat: boolean; reasons: string[] } {
  const reasons: string[] = [];
  for (const m of ['numTensors', 'numBytes', 'gpuBytesUsed'] as const) {
    if (d[m] && d[m].maxDrift !== 0) reasons.push(`${m} drifted by ${d[m].maxDrift}`);
  }
  const alloc = d.gpuBytesAllocated;
  if (alloc && alloc.secondHalfGrowth > 0.01 * alloc.first)
    reasons.push(`gpuBytesAllocated grew ${alloc.secondHalfGrowth} B over the second half`);
  // The heap is noisy (JIT, GC timing): only growth over 10% in the second half counts.
  const heap = d.heapUsed;
  if (heap && heap.secondHalfGrowth > 0.1 * heap.first)
    reasons.push(`heapUsed grew ${heap.secondHalfGrowth} B over the second half`);
  return { flat: reasons.length === 0, reasons };
}
