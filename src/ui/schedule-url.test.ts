import { beforeEach, describe, expect, it } from 'vitest';
import { configToQuery } from '../core/config';
import { labStore, resetStore } from './store';
import { readUrlConfig } from './url-state';

const state = () => labStore.getState();

describe('schedule settings: store → URL → store', () => {
  beforeEach(resetStore);

  it('carries every schedule key through a link unchanged', () => {
    state().setField('schedule', 'clr-triangular2');
    state().setField('stepSize', 0.75);
    state().setField('clrGamma', 0.995);
    state().setField('pctStart', 0.45);
    state().setField('finalDiv', 300);
    state().setField('threePhase', 'on');
    state().setField('dropFactor', 4);
    state().setField('dropAt1', 40);
    state().setField('dropAt2', 80);
    state().setField('momSchedule', 'constant');
    const written = state().config;
    const query = configToQuery(written);
    expect(query).toContain('schedule=clr-triangular2');
    expect(query).toContain('stepSize=0.75');

    resetStore();
    const { config, notices } = readUrlConfig(`?${query}`);
    expect(notices).toEqual([]);
    state().loadConfig(config, notices);
    expect(state().config).toEqual(written);
  });

  it('a link with a bad schedule falls back to 1cycle and says so', () => {
    const { config, notices } = readUrlConfig('?schedule=sgdr&stepSize=-1');
    expect(config.schedule).toBe('onecycle');
    expect(config.stepSize).toBe(0.1);
    expect(notices).toEqual([
      expect.stringMatching(/^schedule: "sgdr" is not one of onecycle, onecycle-cos/),
      expect.stringMatching(/^stepSize: -1 is outside 0\.1–100/),
    ]);
  });
});
