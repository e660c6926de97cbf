import { describe, expect, it } from 'vitest';
import { explainRunError, isOutOfMemory, smallerBatch } from './faults';

describe('explainRunError', () => {
  it.each([
    'GPUOutOfMemoryError: Out of memory',
    'Failed to allocate buffer of 6442450944 bytes',
    'Requested texture size [65536x4] greater than WebGL maximum on this browser / GPU [16384x16384].',
    'RangeError: Array buffer allocation failed',
    'RangeError: Invalid typed array length: 9000000000',
    'Buffer size (8589934592) exceeds the max buffer size limit (2147483648).',
  ])('reads "%s" as out of memory and suggests a smaller batch', (message) => {
    expect(isOutOfMemory(message)).toBe(true);
    const text = explainRunError(message, 512, 'webgpu');
    expect(text).toMatch(/^Batch size 512 does not fit in memory on webgpu\. /);
    expect(text).toContain('smaller batch size, e.g. 256');
    expect(text).toContain(message);
  });

  it('leaves other errors as they are', () => {
    expect(explainRunError('Shard 3 failed its checksum', 128)).toBe('Shard 3 failed its checksum');
  });

  it.each([
    [512, 256],
    [384, 256],
    [100, 64],
    [2, 1],
    [1, 1],
  ])('after batch %i suggests %i', (b, next) => {
    expect(smallerBatch(b)).toBe(next);
  });
});
