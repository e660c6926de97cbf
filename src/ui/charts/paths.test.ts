import { describe, expect, it } from 'vitest';
import { affine, finitePoints, linePath } from './paths';

interface Row {
  step: number;
  v?: number;
}
const x = (r: Row) => r.step * 10;
const y = (r: Row) => (r.v === undefined ? NaN : 100 - r.v);

describe('linePath', () => {
  it('moves to the first point and draws straight segments to the next', () => {
    const rows = [
      { step: 0, v: 0 },
      { step: 1, v: 50 },
      { step: 2, v: 25 },
    ];
    expect(linePath(rows, x, y)).toBe('M0,100L10,50L20,75');
  });

  it('breaks the line at a row without a value, as recharts does without connectNulls', () => {
    const rows = [{ step: 0, v: 0 }, { step: 1, v: 10 }, { step: 2 }, { step: 3, v: 30 }];
    expect(linePath(rows, x, y)).toBe('M0,100L10,90M30,70');
  });

  it('joins across rows without a value when asked (connectNulls)', () => {
    const rows = [{ step: 0, v: 0 }, { step: 1 }, { step: 2 }, { step: 3, v: 30 }];
    expect(linePath(rows, x, y, true)).toBe('M0,100L30,70');
  });

  it('leaves out infinite coordinates (a diverged loss) and rounds to 0.1 px', () => {
    const rows = [
      { step: 0.123, v: 1 / 3 },
      { step: 1, v: -Infinity },
      { step: 2, v: 5 },
    ];
    expect(linePath(rows, x, y)).toBe('M1.2,99.7M20,95');
  });

  it('is empty without drawable rows', () => {
    expect(linePath([], x, y)).toBe('');
    expect(linePath([{ step: 1 }], x, y, true)).toBe('');
  });
});

describe('finitePoints', () => {
  it('keeps only the rows with a value, with their pixel position', () => {
    const a = { step: 1, v: 40 };
    const b = { step: 4, v: 10 };
    expect(finitePoints([{ step: 0 }, a, { step: 2 }, b], x, y)).toEqual([
      { x: 10, y: 60, row: a },
      { x: 40, y: 90, row: b },
    ]);
  });
});

describe('affine', () => {
  it('gives the same pixels as the linear scale it reads', () => {
    // A y scale as recharts builds one: domain [0, 2.5] onto pixels [300, 8] (top is 8).
    const scale = (v: number) => 300 + (v / 2.5) * (8 - 300);
    const f = affine(scale);
    for (const v of [0, 0.7, 2.5, 3.1, -1]) expect(f(v)).toBeCloseTo(scale(v), 9);
  });

  it('is NaN everywhere for a scale that gives no value', () => {
    expect(affine(() => undefined)(1)).toBeNaN();
  });
});
