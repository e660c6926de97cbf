import { describe, expect, it } from 'vitest';
import type { ValPoint } from './run';
import { sweepVerdict } from './sweep';

const run = (loss: number) => ({
  val: [{ step: 10, epoch: 1, loss, top1: 0.1, top5: 0.5 } satisfies ValPoint],
  totalSteps: 40,
});

describe('sweepVerdict', () => {
  it.each([
    ['a clear best', [run(2), run(1.5)], { best: 1, tied: null }],
    ['an exact tie is called a tie', [run(2.3026), run(2.3026)], { best: null, tied: [0, 1] }],
    [
      'within 0.1%: a tie of the two, the third out',
      [run(2.3027), run(2.3026), run(3)],
      { best: null, tied: [0, 1] },
    ],
    ['nothing to rank', [{ val: [], totalSteps: 40 }], null],
  ])('%s', (_n, runs, verdict) => {
    expect(sweepVerdict(runs)).toEqual(verdict);
  });
});
