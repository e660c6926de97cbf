import { describe, expect, it } from 'vitest';
import { drifts, verdict, type Sample } from './drift';

const sample = (step: number, numTensors: number, over: Partial<Sample> = {}): Sample => ({
  step,
  seconds: step,
  numTensors,
  numBytes: numTensors * 4,
  gpuBytesUsed: numTensors * 4,
  gpuBytesAllocated: 1000,
  heapUsed: 50e6,
  ...over,
});

describe('soak drift and verdict', () => {
  it('calls constant counters flat', () => {
    const d = drifts([sample(20, 24), sample(40, 24), sample(60, 24)]);
    expect(d.numTensors).toEqual({ first: 24, last: 24, maxDrift: 0, secondHalfGrowth: 0 });
    expect(verdict(d)).toEqual({ flat: true, reasons: [] });
  });

  it('reports a tensor leak with its size, even one that recovers', () => {
    const d = drifts([sample(20, 24), sample(40, 30), sample(60, 24)]);
    expect(d.numTensors?.maxDrift).toBe(6);
    const v = verdict(d);
    expect(v.flat).toBe(false);
    expect(v.reasons.join()).toMatch(/numTensors drifted by 6/);
  });

  it('ignores the pre-run sample at step 0 and counters the backend lacks', () => {
    const cpu = { gpuBytesUsed: null, gpuBytesAllocated: null };
    const d = drifts([sample(0, 0, cpu), sample(20, 24, cpu), sample(40, 24, cpu)]);
    expect(d.numTensors?.first).toBe(24);
    expect(d.gpuBytesUsed).toBeUndefined();
    expect(verdict(d).flat).toBe(true);
  });

  it('flags a growing buffer pool or heap in the second half, not noise at the start', () => {
    const grow = [1000, 1000, 1000, 2000].map((a, i) =>
      sample(20 * (i + 1), 24, { gpuBytesAllocated: a }),
    );
    expect(verdict(drifts(grow)).reasons.join()).toMatch(/gpuBytesAllocated grew 1000/);
    const heap = [50e6, 52e6, 52.1e6, 52.2e6].map((h, i) =>
      sample(20 * (i + 1), 24, { heapUsed: h }),
    );
    expect(verdict(drifts(heap)).flat).toBe(true);
  });
});
