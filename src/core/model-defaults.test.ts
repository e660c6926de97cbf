import { describe, expect, it } from 'vitest';
import { defaultConfig } from './config';
import { divergenceAdvice, lrFromMessage, withModelDefaults } from './model-defaults';

describe('withModelDefaults', () => {
  it('brings the shallow net its own LR bounds and weight decay', () => {
    const { config, changed } = withModelDefaults(defaultConfig(), 'shallow3');
    expect(config).toMatchObject({ model: 'shallow3', lrMin: 0.005, lrMax: 0.05, wd: 5e-4 });
    expect(changed).toEqual(['lrMin', 'lrMax', 'wd']);
  });

  it('keeps what the link set', () => {
    const c = { ...defaultConfig(), lrMax: 0.02 };
    const { config, changed } = withModelDefaults(c, 'shallow3', ['lrMax']);
    expect(config.lrMax).toBe(0.02);
    expect(changed).toEqual(['lrMin', 'wd']);
  });
});

describe('divergenceAdvice', () => {
  it('names the LR and the next step', () => {
    const text = divergenceAdvice(lrFromMessage('Loss became NaN at step 6 (LR 0.512)'), 0.8);
    expect(text).toContain('LR 0.512');
    expect(text).toContain('range test');
    expect(text).toContain('LR max below 0.17');
  });

  it('falls back to LR max when the message names no LR', () => {
    expect(lrFromMessage('out of memory')).toBeNull();
    expect(divergenceAdvice(null, 0.9)).toContain('below 0.3');
  });
});
