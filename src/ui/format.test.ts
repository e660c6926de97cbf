import { describe, expect, it } from 'vitest';
import { formatCount, formatDuration, formatRate, formatValue } from './format';

describe('formatDuration (ETA)', () => {
  it.each([
    [0, '0:00'],
    [5, '0:05'],
    [59.4, '0:59'],
    [59.6, '1:00'],
    [61, '1:01'],
    [600, '10:00'],
    [3599, '59:59'],
    [3600, '1:00:00'],
    [3661, '1:01:01'],
    [36_000 + 59, '10:00:59'],
    [90_061, '25:01:01'],
  ])('%s s → %s', (sec, text) => expect(formatDuration(sec)).toBe(text));

  it.each([null, undefined, NaN, Infinity, -1])('%s → unknown', (v) =>
    expect(formatDuration(v)).toBe('—'),
  );
});

describe('number formatting', () => {
  it.each([
    [0, '0'],
    [999, '999'],
    [1000, '1,000'],
    [60_000, '60,000'],
    [1_234_567, '1,234,567'],
  ])('formatCount(%s) → %s', (n, text) => expect(formatCount(n)).toBe(text));

  it('formatValue drops float noise', () => {
    expect(formatValue(0.1 + 0.2)).toBe('0.3');
    expect(formatValue(0.0005)).toBe('0.0005');
    expect(formatValue(128)).toBe('128');
    // Seeds are whole numbers up to 2^31 − 1 and must show every digit.
    expect(formatValue(2 ** 31 - 1)).toBe('2147483647');
  });

  it('formatRate', () => {
    expect(formatRate(0)).toBe('—');
    expect(formatRate(12.345)).toBe('12.3');
    expect(formatRate(1234.4)).toBe('1,234');
  });
});
