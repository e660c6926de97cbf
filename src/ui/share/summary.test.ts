import { describe, expect, it } from 'vitest';
import { defaultConfig } from '../../core/config';
import { sharedSummary } from './summary';

describe('sharedSummary', () => {
  const c = { ...defaultConfig(), lrMin: 0.005, lrMax: 0.05, seed: 9 };

  it('names every setting when nothing is hidden', () => {
    expect(sharedSummary(c, [])).toContain('LR 0.005–0.05');
    expect(sharedSummary(c, [])).toContain('seed 9');
  });

  it('never prints a hidden value', () => {
    const text = sharedSummary(c, ['lrMax', 'seed']);
    expect(text).not.toContain('0.05');
    expect(text).not.toContain('seed');
    expect(text).toContain('weight decay');
  });
});
