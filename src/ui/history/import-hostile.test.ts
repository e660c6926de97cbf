import { beforeEach, describe, expect, it } from 'vitest';
import { defaultConfig } from '../../core/config';
import type { RunRecord } from '../../core/run-record';
import { HOSTILE_RUN_FILES } from '../../../test/hostile-links';
import { labStore, resetStore } from '../store';
import { importRunsFile } from './actions';

const saved: RunRecord = {
  id: 'keep',
  name: 'Keep me',
  createdAt: 1_700_000_000_000,
  updatedAt: 1_700_000_000_000,
  config: defaultConfig(),
  status: 'done',
  backend: 'cpu',
  imagesPerSec: 1,
  durationSec: 1,
  totalSteps: 1,
  trainCount: 0,
  valCount: 0,
  finalVal: null,
};

beforeEach(() => {
  resetStore();
  labStore.getState().setHistory([saved]);
});

describe('importing hostile run files', () => {
  it.each(HOSTILE_RUN_FILES.map((c) => [c.name, c] as const))('%s', async (_name, c) => {
    const body = c.bytes !== undefined ? new Uint8Array(c.bytes) : (c.text ?? '');
    await importRunsFile(new File([body], c.name, { type: 'application/json' }));
    const s = labStore.getState();
    const text = s.importNotices.join('\n');
    for (const want of c.notices) expect(text).toContain(want);
    // The saved run is untouched; only what the file really held was added.
    expect(s.historyRuns.find((r) => r.id === 'keep')).toEqual(saved);
    expect(s.historyRuns).toHaveLength(1 + c.imported);
    for (const r of s.historyRuns) {
      expect(r.id.length).toBeLessThanOrEqual(64);
      expect(Number.isFinite(r.config.lrMax)).toBe(true);
    }
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});
