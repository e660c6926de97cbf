import { describe, expect, it } from 'vitest';
import { packCheckpoint, rngSeedAfter, unpackCheckpoint } from './checkpoint';
import { defaultConfig } from './config';
import { toCheckpointConfig } from './config-travel';
import { Rng } from './rng';

const tensors = {
  params: [Float32Array.from([1, 2, 3, 4, 5, 6]), Float32Array.from([0.5, -0.5])],
  stats: [Float32Array.from([7])],
  velocities: [Float32Array.from([0, 0, 0, 0, 0, 0.25]), Float32Array.from([1e-8, -3])],
};
const shapes = { params: [[2, 3], [2]], stats: [[1]], velocities: [[2, 3], [2]] };
const meta = {
  runId: 'run-1',
  config: toCheckpointConfig(defaultConfig()),
  step: 42,
  totalSteps: 100,
  augmentSeed: 123,
  elapsedSec: 9.5,
  savedAt: 1_700_000_000_000,
};

describe('checkpoint records', () => {
  it('round-trip through a structured clone (what IndexedDB stores)', () => {
    const record = structuredClone(packCheckpoint(meta, tensors, shapes));
    expect(record.data.byteLength).toBe(4 * 17);
    const back = unpackCheckpoint(record);
    expect(back.meta).toMatchObject({ ...meta, version: 1, shapes });
    expect(back.tensors).toEqual(tensors);
  });

  it.each([
    [
      'a truncated buffer',
      (r: { data: ArrayBuffer }) => (r.data = r.data.slice(0, 40)),
      /truncated/,
    ],
    ['extra bytes', (r: { data: ArrayBuffer }) => (r.data = new ArrayBuffer(72)), /extra/],
    [
      'another version',
      (r: { meta: { version: number } }) => (r.meta.version = 2),
      /another version/,
    ],
    [
      'a bad shape',
      (r: { meta: { shapes: { stats: number[][] } } }) => (r.meta.shapes.stats = [[-1]]),
      /bad stats shape/,
    ],
  ] as const)('rejects %s', (_name, spoil, error) => {
    const record = structuredClone(packCheckpoint(meta, tensors, shapes));
    (spoil as (r: unknown) => void)(record);
    expect(() => unpackCheckpoint(record)).toThrow(error);
  });

  it('refuses to pack arrays that do not match their shapes', () => {
    expect(() =>
      packCheckpoint(meta, { ...tensors, stats: [Float32Array.from([1, 2])] }, shapes),
    ).toThrow(/stats\[0\]/);
  });
});

describe('rngSeedAfter', () => {
  it.each([0, 1, 7, 1000, 3 * 128 * 5000])('continues Rng(seed) after %i draws', (draws) => {
    for (const seed of [0, 8, 0xffffffff]) {
      const a = new Rng(seed);
      for (let i = 0; i < draws; i++) a.next();
      const b = new Rng(rngSeedAfter(seed, draws));
      for (let i = 0; i < 5; i++) expect(b.next()).toBe(a.next());
    }
  });
});
