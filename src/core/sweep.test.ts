import { describe, expect, it } from 'vitest';
import { defaultConfig } from './config';
import { linkToQuery, parseLink } from './link';
import type { ValPoint } from './run';
import {
  applySweepValue,
  bestRangeIndex,
  bestRunIndex,
  earlyValLoss,
  parseSweepValues,
  rangeLowest,
  secondsAt,
  sweepEvalsPerEpoch,
  SWEEP_PRESETS,
  sweepErrors,
  sweepLabel,
  sweptSetting,
  xOf,
  type SweepParam,
} from './sweep';

const val = (step: number, loss: number): ValPoint => ({ step, epoch: 0, loss, top1: 0, top5: 0 });

describe('parseSweepValues', () => {
  it.each<[SweepParam, string, string[]]>([
    [
      'wd',
      SWEEP_PRESETS.wd,
      ['WD 0.001', 'WD 0.0003', 'WD 0.0001', 'WD 0.00003', 'WD 0.00001', 'WD 0'],
    ],
    ['wd', ' 1e-4 ,, 0 ', ['WD 0.0001', 'WD 0']],
    [
      'mom',
      SWEEP_PRESETS.mom,
      ['Momentum 0.99–0.9', 'Momentum 0.95–0.85', 'Momentum 0.99', 'Momentum 0.9', 'Momentum 0.85'],
    ],
    ['mom', '0.95–0.85', ['Momentum 0.95–0.85']],
    ['batch', '64, 128,256', ['Batch 64', 'Batch 128', 'Batch 256']],
  ])('%s "%s" reads as %j', (param, text, labels) => {
    const { values, errors } = parseSweepValues(param, text);
    expect(errors).toEqual([]);
    expect(values.map(sweepLabel)).toEqual(labels);
  });

  it.each<[SweepParam, string, RegExp]>([
    ['wd', '', /at least one value/],
    ['wd', ' , ', /at least one value/],
    ['batch', SWEEP_PRESETS.batch, /at least one value/],
    ['wd', 'abc', /"abc" is not a number/],
    ['wd', '0.5', /outside 0–0.01/],
    ['wd', '-1e-4', /outside/],
    ['mom', '0.85-0.95', /maximum first/],
    ['mom', '1', /below 1/],
    ['mom', '0.9-0.8-0.7', /not a value or a max-min range/],
    ['batch', '12.5', /not a whole number/],
    ['batch', '4096', /outside 2–1024/],
    ['wd', '1e-4, 0.0001', /listed twice/],
    ['wd', Array.from({ length: 13 }, (_, i) => String(i * 1e-4)).join(','), /At most 12/],
  ])('%s "%s" is refused: %s', (param, text, message) => {
    expect(parseSweepValues(param, text).errors.join('; ')).toMatch(message);
  });
});

describe('applySweepValue', () => {
  const base = { ...defaultConfig(), seed: 7, wd: 5e-4, momMax: 0.95, momMin: 0.85 };

  it('changes only the swept setting and keeps the seed', () => {
    const [a, b] = parseSweepValues('wd', '1e-3, 0').values.map((v) => applySweepValue(base, v));
    expect(a).toEqual({ ...base, wd: 1e-3 });
    expect(b).toEqual({ ...base, wd: 0 });
  });

  it('a momentum range is cyclic, a single value constant', () => {
    const [cyc, flat] = parseSweepValues('mom', '0.99-0.9, 0.9').values.map((v) =>
      applySweepValue(base, v),
    );
    expect(cyc).toMatchObject({ momSchedule: 'cyclic', momMax: 0.99, momMin: 0.9, seed: 7 });
    expect(flat).toMatchObject({ momSchedule: 'constant', momMax: 0.9, seed: 7 });
  });

  it('a batch size larger than the training images blocks the sweep', () => {
    const small = { ...base, trainSize: 64 };
    expect(sweepErrors(small, 'batch', '16, 128')).toEqual([
      'Batch 128: Batch size exceeds the training images',
    ]);
    expect(sweepErrors(small, 'batch', '16, 32')).toEqual([]);
  });
});

describe('sweptSetting: what "Use …" carries from the best run into the settings', () => {
  const base = { ...defaultConfig(), wd: 5e-4, batchSize: 128, momMax: 0.95, momMin: 0.85 };
  const best = (param: SweepParam, text: string) => {
    const v = parseSweepValues(param, text).values[0]!;
    return applySweepValue({ ...base, sweepParam: param }, v);
  };
  it.each<[SweepParam, string, string, Partial<typeof base>]>([
    ['wd', '1e-4', 'weight decay 0.0001', { wd: 1e-4 }],
    ['rangeWd', '0', 'weight decay 0', { wd: 0 }],
    ['batch', '256', 'batch size 256', { batchSize: 256 }],
    ['mom', '0.99-0.9', 'momentum 0.99–0.9', { momSchedule: 'cyclic', momMax: 0.99, momMin: 0.9 }],
    ['mom', '0.9', 'momentum 0.9', { momSchedule: 'constant', momMax: 0.9, momMin: 0.85 }],
  ])('%s sweep, best %s: "Use %s"', (param, value, text, changed) => {
    const { text: shown, patch } = sweptSetting(best(param, value));
    expect(shown).toBe(text);
    // Only the swept setting: the seed, LR and the rest stay as the user has them now.
    expect(patch).toEqual(changed);
  });
});

describe('the best run by early validation loss', () => {
  it.each<[string, { val: ValPoint[]; totalSteps: number }[], number | null]>([
    [
      'the lowest loss at the first evaluation after 25% wins, not the lowest final loss',
      [
        { val: [val(10, 2.0), val(20, 1.9), val(40, 0.5)], totalSteps: 40 },
        { val: [val(10, 1.5), val(20, 1.4), val(40, 0.9)], totalSteps: 40 },
      ],
      1,
    ],
    [
      'an evaluation before 25% does not count',
      [
        { val: [val(5, 0.1), val(20, 2.0)], totalSteps: 40 },
        { val: [val(5, 3.0), val(20, 1.0)], totalSteps: 40 },
      ],
      1,
    ],
    [
      'runs of different lengths are read at the same share of each run',
      [
        { val: [val(50, 1.2)], totalSteps: 100 },
        { val: [val(25, 1.1)], totalSteps: 50 },
      ],
      1,
    ],
    [
      'a diverged run is not ranked',
      [
        { val: [val(10, NaN)], totalSteps: 40 },
        { val: [val(10, 9)], totalSteps: 40 },
      ],
      1,
    ],
    [
      'ties go to the first',
      [
        { val: [val(10, 1)], totalSteps: 40 },
        { val: [val(10, 1)], totalSteps: 40 },
      ],
      0,
    ],
    ['no evaluations: no best', [{ val: [], totalSteps: 40 }], null],
  ])('%s', (_name, runs, best) => {
    expect(bestRunIndex(runs)).toBe(best);
  });

  it('reads one evaluation per run', () => {
    expect(earlyValLoss([val(4, 3), val(10, 2), val(20, 1)], 40)).toBe(2);
    expect(earlyValLoss([val(4, 3)], 40)).toBeNull();
  });
});

describe('the wall-clock axis', () => {
  const stamps = [
    { step: 10, sec: 5 },
    { step: 20, sec: 7 },
  ];
  it.each<[number, number | null]>([
    [0, 0],
    [5, 2.5],
    [10, 5],
    [15, 6],
    [20, 7],
    [40, 14],
  ])('step %d is at %s s', (step, sec) => {
    expect(secondsAt(stamps, step)).toBeCloseTo(sec!, 9);
  });

  it('has no time before any stamp, and steps and epochs need none', () => {
    expect(secondsAt([], 5)).toBeNull();
    expect(xOf('seconds', 5, 10, [])).toBeNull();
    expect(xOf('steps', 5, 10, [])).toBe(5);
    expect(xOf('epochs', 5, 10, [])).toBe(0.5);
  });
});

describe('the sweep in the link', () => {
  it('sweepParam and sweepValues round-trip; a bad parameter is named', () => {
    const config = { ...defaultConfig(), mode: 'sweep' as const, sweepParam: 'mom' as const };
    const q = linkToQuery({ config, sweepValues: '0.95-0.85, 0.9' });
    expect(q).toContain('sweepValues=0.95-0.85,%200.9');
    const back = parseLink(new URLSearchParams(q));
    expect(back.config.sweepParam).toBe('mom');
    expect(back.config.mode).toBe('sweep');
    expect(back.sweepValues).toBe('0.95-0.85, 0.9');
    expect(back.notices).toEqual([]);

    const bad = parseLink(new URLSearchParams('sweepParam=lr'));
    expect(bad.config.sweepParam).toBe('wd');
    expect(bad.notices.join()).toMatch(/sweepParam: "lr" is not one of wd, mom, batch, rangeWd/);
    expect(bad.sweepValues).toBeNull();
  });
});

describe('LR range tests at several weight decays (Fig. 4a)', () => {
  it('reads weight decays, and blocks on the range settings rather than the training ones', () => {
    expect(parseSweepValues('rangeWd', SWEEP_PRESETS.rangeWd).values.map(sweepLabel)).toEqual([
      'WD 0.001',
      'WD 0.0001',
      'WD 0.00001',
    ]);
    expect(parseSweepValues('rangeWd', '1e-4, x').errors).toEqual(['"x" is not a number']);
    const base = { ...defaultConfig(), sweepParam: 'rangeWd' as const };
    expect(sweepErrors(base, 'rangeWd', '1e-3, 0')).toEqual([]);
    const reversed = { ...base, rangeStart: 1, rangeEnd: 0.01 };
    expect(sweepErrors(reversed, 'rangeWd', '1e-3')).toEqual([
      'WD 0.001: Range start must be below range end',
    ]);
    // A training-only problem (momentum min above max) blocks a run sweep, not range tests.
    const oddRun = { ...base, momMax: 0.85, momMin: 0.95 };
    expect(sweepErrors(oddRun, 'wd', '1e-3')).toEqual([
      'WD 0.001: Momentum min must not exceed momentum max',
    ]);
    expect(sweepErrors(oddRun, 'rangeWd', '1e-3')).toEqual([]);
  });

  const val = (lr: number, loss: number) => ({ lr, loss });

  it('takes the lowest validation loss before divergence', () => {
    const curve = { val: [val(0.01, 2), val(0.1, 1.5), val(1, 0.5)], divergedAt: 0.5 };
    expect(rangeLowest(curve)).toEqual({ loss: 1.5, lr: 0.1 });
    expect(rangeLowest({ ...curve, divergedAt: null })).toEqual({ loss: 0.5, lr: 1 });
    expect(rangeLowest({ val: [{ loss: 1 }, val(0.1, NaN)], divergedAt: null })).toBeNull();
  });

  it.each<[string, Parameters<typeof bestRangeIndex>[0], number | null]>([
    [
      'the lowest loss wins, whatever the order',
      [
        { val: [val(0.01, 2), val(0.1, 1.4)], divergedAt: 0.2 },
        { val: [val(0.01, 2), val(0.1, 1.2)], divergedAt: 0.2 },
        { val: [val(0.01, 2), val(0.1, 1.3)], divergedAt: null },
      ],
      1,
    ],
    [
      'a loss reached only after diverging does not count',
      [
        { val: [val(0.01, 2), val(1, 0.1)], divergedAt: 0.5 },
        { val: [val(0.01, 1.9)], divergedAt: 0.5 },
      ],
      1,
    ],
    [
      'on a tie, the one that reaches the larger LR',
      [
        { val: [val(0.1, 1)], divergedAt: 0.3 },
        { val: [val(0.1, 1)], divergedAt: null },
        { val: [val(0.1, 1)], divergedAt: 0.6 },
      ],
      1,
    ],
    ['none without an evaluation', [{ val: [], divergedAt: null }], null],
  ])('%s', (_name, curves, best) => {
    expect(bestRangeIndex(curves)).toBe(best);
  });
});

describe('validation passes in sweep runs', () => {
  it.each([
    [1, 4],
    [2, 2],
    [3, 2],
    [4, 1],
    [20, 1],
  ])('a %d-epoch run evaluates %d times per epoch (at least 4 in all)', (epochs, perEpoch) => {
    expect(sweepEvalsPerEpoch(epochs)).toBe(perEpoch);
    expect(perEpoch * epochs).toBeGreaterThanOrEqual(4);
  });
});
