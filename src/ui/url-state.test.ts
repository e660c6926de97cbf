import { describe, expect, it } from 'vitest';
import { configToQuery, defaultConfig } from '../core/config';
import { readUrlConfig } from './url-state';

describe('readUrlConfig', () => {
  it('reads a written query back unchanged, with no notices', () => {
    const config = { ...defaultConfig(), model: 'shallow3' as const, lrMax: 0.05, epochs: 3 };
    expect(readUrlConfig(`?${configToQuery(config)}`)).toEqual({ config, notices: [] });
  });

  it('names each changed key and lists unknown keys as ignored', () => {
    const { config, notices } = readUrlConfig('?lrMax=NaN&epochs=1e9&bogus=1&bogus=2&x%00y=3');
    expect(config.lrMax).toBe(0.8);
    expect(config.epochs).toBe(400);
    expect(notices).toHaveLength(4);
    // Schema order, then unknown keys in the order given.
    expect(notices[0]).toMatch(/^epochs: 1000000000 is outside/);
    expect(notices[1]).toMatch(/^lrMax: "NaN" is not/);
    expect(notices[2]).toBe('bogus: not a setting of this lab; ignored');
    expect(notices[3]).toBe('x?y: not a setting of this lab; ignored');
  });
});
