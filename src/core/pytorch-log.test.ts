import { describe, expect, it } from 'vitest';
import { defaultConfig } from './config';
import { parsePytorchLog, parseRunsText } from './pytorch-log';
import { exportJson } from './run-record';

const config = { ...defaultConfig(), model: 'shallow3' as const, epochs: 2, lrMax: 0.4 };

function log(lines: unknown[]): string {
  return lines.map((l) => (typeof l === 'string' ? l : JSON.stringify(l))).join('\n') + '\n';
}

const header = {
  type: 'header',
  format: 'lab-pytorch-log',
  version: 1,
  config,
  query: 'v=1&model=shallow3',
  torch: '1.13.0',
  device: 'cpu',
  world: 2,
  totalSteps: 4,
  createdAt: 1_760_000_000_000,
};
const body = [
  { type: 'train', step: 1, loss: 2.3, lr: 0.04, momentum: 0.95 },
  { type: 'train', step: 2, loss: 2.1, lr: 0.2, momentum: 0.9 },
  { type: 'val', step: 2, epoch: 1, loss: 2.0, top1: 0.25, top5: 0.75, elapsedSec: 3.5 },
  { type: 'train', step: 3, loss: null, lr: 0.4, momentum: 0.85 },
];

describe('the exported script log, imported', () => {
  it('becomes one run with its settings, points, status and timing', () => {
    const text = log([
      header,
      ...body,
      { type: 'end', status: 'diverged', message: 'loss became nan at step 3', elapsedSec: 4 },
    ]);
    const { runs, notices } = parsePytorchLog(text);
    expect(notices).toEqual([]);
    expect(runs).toHaveLength(1);
    const r = runs[0]!;
    expect(r).toMatchObject({
      name: 'PyTorch: shallow3, LR 0.4',
      config,
      status: 'diverged',
      backend: null,
      totalSteps: 4,
      createdAt: 1_760_000_000_000,
      durationSec: 4,
      trainCount: 3,
      valCount: 1,
      finalVal: { loss: 2.0, top1: 0.25 },
    });
    expect(r.message).toContain('torch 1.13.0, cpu × 2 processes');
    expect(r.message).toContain('loss became nan at step 3');
    expect(r.train[2]!.loss).toBeNaN();
    expect(r.val[0]).toEqual({
      step: 2,
      epoch: 1,
      loss: 2.0,
      top1: 0.25,
      top5: 0.75,
      elapsedSec: 3.5,
    });
  });

  it('imports a log without an end line as stopped, and says so', () => {
    const { runs, notices } = parseRunsText(log([header, ...body.slice(0, 3)]));
    expect(runs[0]!.status).toBe('stopped');
    expect(runs[0]!.durationSec).toBe(3.5);
    expect(notices.join('\n')).toContain('no end line; imported as stopped');
  });

  it('clamps hostile settings and points, and counts lines it cannot read', () => {
    const text = log([
      { ...header, version: 9, config: { ...config, lrMax: '<script>', epochs: 1e9, evil: 1 } },
      '{"type":"train","step":1',
      'not json at all',
      { type: 'weird' },
      { type: 'train', step: 2, loss: 1, lr: 0.1, momentum: 0.9 },
      { type: 'train', step: 1, loss: 1, lr: 0.1, momentum: 0.9 },
      { type: 'val', step: 2, epoch: 1, loss: 1, top1: 7, top5: -1 },
      { type: 'end', status: '<b>done</b>' },
    ]);
    const { runs, notices } = parsePytorchLog(text);
    const all = notices.join('\n');
    expect(all).toContain('another version of the export');
    expect(all).toContain('3 lines not understood; skipped');
    expect(all).toContain('lrMax: "<script>" is not a finite number');
    expect(all).toContain('epochs: 1000000000 is outside 1–400; using 400');
    expect(all).toContain('evil: not a setting of this lab; ignored');
    expect(all).toContain('1 bad training points dropped');
    const r = runs[0]!;
    expect(r.name).toBe('PyTorch: shallow3, LR 0.8');
    expect(r.status).toBe('stopped');
    expect(r.val[0]).toMatchObject({ top1: 1, top5: 0 });
  });

  it('tells a log from a JSON export, and refuses other JSON lines', () => {
    const json = exportJson([]);
    expect(parseRunsText(json).runs).toEqual([]);
    expect(() => parseRunsText(log([{ ...header, format: 'other' }]))).toThrow(
      'not a run log of this lab',
    );
    expect(() => parseRunsText(log([{ type: 'train' }]))).toThrow();
  });
});
