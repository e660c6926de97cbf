import { describe, expect, it } from 'vitest';
import { readbackInterval } from './readback';

describe('readbackInterval', () => {
  it.each([
    [1, 1],
    [32, 1],
    [100, 5],
    [400, 20],
    [39_000, 20],
  ])('%i steps → every %i', (total, k) => {
    expect(readbackInterval(total)).toBe(k);
  });
});
