import { describe, expect, it } from 'vitest';
import { CHAR_WIDTH, layoutLegend } from './legend-layout';

describe('layoutLegend', () => {
  it('puts every entry below the plot, inside the width, wrapping long names to new rows', () => {
    const long = 'Shallow 3-layer net (Smith), LR 0.005–0.05, wd 5e-4, seed 7 (train)';
    const entries = [long, long, 'Train loss', 'Validation loss'].map((label) => ({
      label,
      colour: '#123456',
    }));
    const { placed, height } = layoutLegend(entries, 400, 300);
    expect(placed).toHaveLength(4);
    for (const p of placed) {
      expect(p.y).toBeGreaterThan(300);
      expect(p.y).toBeLessThanOrEqual(height);
      expect(p.x).toBeGreaterThanOrEqual(0);
      expect(p.x + (p.label.length + 2) * CHAR_WIDTH).toBeLessThanOrEqual(400);
    }
    expect(new Set(placed.map((p) => p.y)).size).toBeGreaterThan(1);
    expect(placed[0]!.label.endsWith('…')).toBe(true);
  });

  it('adds no height without entries', () => {
    expect(layoutLegend([], 400, 300).height).toBe(300);
  });
});
