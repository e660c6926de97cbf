import { describe, expect, it } from 'vitest';
import { SCHEMA } from '../../core/config';
import { parseTyped } from './typed';

describe('parseTyped', () => {
  it.each([
    ['0.05', SCHEMA.lrMax, 0.05],
    [' 3 ', SCHEMA.epochs, 3],
    ['0', SCHEMA.wd, 0],
    ['1e-4', SCHEMA.wd, 1e-4],
  ])('accepts %j', (raw, field, value) =>
    expect(parseTyped(raw, field)).toEqual({ ok: true, value }),
  );

  it.each([
    ['', SCHEMA.lrMax, /Enter a number from 0.00001 to 10/],
    ['abc', SCHEMA.lrMax, /Enter a number/],
    ['2.5', SCHEMA.epochs, /whole number from 1 to 400/],
    ['1e9', SCHEMA.epochs, /1000000000 is out of range/],
    ['-0.1', SCHEMA.momMin, /out of range: enter 0 to 0.99/],
  ])('rejects %j with a reason', (raw, field, message) => {
    const r = parseTyped(raw, field);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.message).toMatch(message);
  });
});
