import { describe, expect, it } from 'vitest';
import { defaultConfig } from './config';
import {
  exportJson,
  markInterrupted,
  parseExportFile,
  runsToCsv,
  type RunExport,
  type RunRecord,
} from './run-record';

function record(over: Partial<RunRecord> = {}): RunRecord {
  return {
    id: 'r1',
    name: 'Run one',
    createdAt: 1_700_000_000_000,
    updatedAt: 1_700_000_100_000,
    config: { ...defaultConfig(), model: 'shallow3', epochs: 2 },
    status: 'done',
    backend: 'webgpu',
    imagesPerSec: 120,
    durationSec: 100,
    totalSteps: 4,
    trainCount: 3,
    valCount: 1,
    finalVal: { loss: 1.5, top1: 0.4 },
    ...over,
  };
}

function run(over: Partial<RunExport> = {}): RunExport {
  return {
    ...record(),
    train: [
      { step: 1, loss: 2.3, lr: 0.01, momentum: 0.95 },
      { step: 2, loss: 2.1, lr: 0.02, momentum: 0.9 },
      { step: 3, loss: NaN, lr: 0.03, momentum: 0.85 },
    ],
    val: [{ step: 2, epoch: 1, loss: 1.5, top1: 0.4, top5: 0.9 }],
    ...over,
  };
}

describe('markInterrupted', () => {
  it.each([
    ['starting', 'interrupted'],
    ['running', 'interrupted'],
    ['paused', 'interrupted'],
    ['done', 'done'],
    ['stopped', 'stopped'],
    ['diverged', 'diverged'],
    ['failed', 'failed'],
    ['interrupted', 'interrupted'],
  ] as const)('%s → %s', (from, to) => {
    expect(markInterrupted(record({ status: from })).status).toBe(to);
  });
});

describe('export and import', () => {
  it('round-trips through JSON, a diverged NaN loss included', () => {
    const { runs, notices } = parseExportFile(JSON.parse(exportJson([run()])));
    expect(notices).toEqual([]);
    expect(runs).toHaveLength(1);
    const got = runs[0]!;
    expect(got.train[2]!.loss).toBeNaN();
    expect({ ...got, train: got.train.slice(0, 2) }).toEqual({
      ...run(),
      train: run().train.slice(0, 2),
    });
  });

  it('clamps hostile settings through the URL schema and names each change', () => {
    const bad = JSON.parse(exportJson([run()])) as { runs: Record<string, unknown>[] };
    bad.runs[0]!.config = {
      ...defaultConfig(),
      epochs: 1e9,
      lrMax: 'NaN',
      model: '<script>',
      evil: 1,
    };
    bad.runs[0]!.status = 'running';
    const { runs, notices } = parseExportFile(bad);
    const c = runs[0]!.config;
    expect(c.epochs).toBe(400);
    expect(c.lrMax).toBe(0.8);
    expect(c.model).toBe('resnet56');
    expect(runs[0]!.status).toBe('interrupted');
    expect(notices).toEqual([
      expect.stringMatching(/^Run one: model: "<script>" is not one of/),
      expect.stringMatching(/^Run one: epochs: 1000000000 is outside 1–400; using 400/),
      expect.stringMatching(/^Run one: lrMax: "NaN" is not a finite number/),
      'Run one: evil: not a setting of this lab; ignored',
    ]);
  });

  it('drops bad points, keeps good ones, and clamps accuracies', () => {
    const bad = {
      lab: 'super-convergence-lab',
      version: 1,
      runs: [
        {
          name: 'x\u0000y',
          config: {},
          status: 'done',
          train: [
            { step: 1, loss: 2, lr: 0.1, momentum: 0.9 },
            { step: 1, loss: 2, lr: 0.1, momentum: 0.9 },
            { step: -4, loss: 2, lr: 0.1, momentum: 0.9 },
            { step: 3, loss: 'x', lr: 0.1, momentum: 0.9 },
            'junk',
            { step: 5, loss: null, lr: 0.1, momentum: 0.9 },
          ],
          val: [{ step: 5, epoch: 1, loss: 1, top1: 3, top5: -1 }],
          imagesPerSec: -7,
        },
        42,
      ],
    };
    const { runs, notices } = parseExportFile(bad);
    expect(runs).toHaveLength(1);
    const r = runs[0]!;
    expect(r.name).toBe('x y');
    expect(r.train.map((p) => p.step)).toEqual([1, 5]);
    expect(r.train[1]!.loss).toBeNaN();
    expect(r.val[0]).toMatchObject({ top1: 1, top5: 0 });
    expect(r.imagesPerSec).toBe(0);
    expect(r.id).toBe('');
    expect(notices).toContain('x y: 4 bad training points dropped');
    expect(notices).toContain('run 2: not a run; skipped');
  });

  it.each([null, 'text', [], { lab: 'other', runs: [] }, { lab: 'super-convergence-lab' }])(
    'refuses %j as a whole',
    (data) => {
      expect(() => parseExportFile(data)).toThrow(/not a run-history file/);
    },
  );
});

describe('runsToCsv', () => {
  it('writes a row per point, quotes names and defuses formulas', () => {
    const csv = runsToCsv([run({ name: '=HYPERLINK("x")' })]);
    const lines = csv.trim().split('\n');
    expect(lines[0]).toBe('run,kind,step,epoch,loss,lr,momentum,top1,top5');
    expect(lines).toHaveLength(1 + 3 + 1);
    expect(lines[1]).toBe(`"'=HYPERLINK(""x"")",train,1,,2.3,0.01,0.95,,`);
    expect(lines[3]).toContain(',train,3,,NaN,');
    expect(lines[4]).toBe(`"'=HYPERLINK(""x"")",val,2,1,1.5,,,0.4,0.9`);
  });
});
