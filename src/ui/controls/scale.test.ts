import { describe, expect, it } from 'vitest';
import { CONFIG_KEYS, LOG_FLOOR, SCHEMA } from '../../core/config';
import { niceStep, sliderScale, STEPS_PER_DECADE } from './scale';

const numericFields = CONFIG_KEYS.flatMap((key) => {
  const field = SCHEMA[key];
  // Seed and the recipe step (1–5, set by buttons) have no slider.
  return field.kind === 'number' && key !== 'seed' && key !== 'recipeStep' ? [{ key, field }] : [];
});

describe('slider scale', () => {
  it.each(numericFields)('$key: every position round-trips and values rise', ({ field }) => {
    const s = sliderScale(field);
    expect(s.maxPosition).toBeGreaterThan(10);
    expect(s.toValue(0)).toBe(field.min);
    expect(s.toValue(s.maxPosition)).toBe(field.max);
    let prev = -Infinity;
    for (let p = 0; p <= s.maxPosition; p++) {
      const v = s.toValue(p);
      expect(v).toBeGreaterThan(prev);
      expect(v).toBeGreaterThanOrEqual(field.min);
      expect(v).toBeLessThanOrEqual(field.max);
      if (field.integer) expect(Number.isInteger(v)).toBe(true);
      expect(s.toPosition(v)).toBe(p);
      prev = v;
    }
  });

  it.each(numericFields)('$key: the default lands on a nearby position', ({ field }) => {
    const s = sliderScale(field);
    const v = s.toValue(s.toPosition(field.default));
    if (field.log && field.default > 0) {
      // Within half a step of the log grid.
      expect(Math.abs(Math.log10(v / field.default))).toBeLessThanOrEqual(
        0.5 / STEPS_PER_DECADE + 0.01,
      );
    } else {
      expect(Math.abs(v - field.default)).toBeLessThanOrEqual((field.max - field.min) / 50);
    }
  });

  it('log fields step 20 per decade: LR 0.01 → one arrow press → 0.011, ten → 0.032', () => {
    const s = sliderScale(SCHEMA.lrMax);
    const p = s.toPosition(0.01);
    expect(s.toValue(p)).toBe(0.01);
    expect(s.toValue(p + 1)).toBe(0.011);
    expect(s.toValue(p + 10)).toBe(0.032);
    expect(s.toValue(p + 20)).toBe(0.1);
    expect(s.maxPosition).toBe(6 * STEPS_PER_DECADE); // 1e-5 .. 10
  });

  it('weight decay keeps 0 at the left end, then starts at LOG_FLOOR', () => {
    const s = sliderScale(SCHEMA.wd);
    expect(s.toValue(0)).toBe(0);
    expect(s.toValue(1)).toBe(LOG_FLOOR);
    expect(s.toPosition(0)).toBe(0);
    expect(s.toValue(s.toPosition(1e-4))).toBe(1e-4);
    expect(s.toValue(s.toPosition(5e-4))).toBe(5e-4);
  });

  it('linear fields use a 1-2-2.5-5 grid and clamp out-of-range values', () => {
    const train = sliderScale(SCHEMA.trainSize);
    expect([1, 2, 3].map(train.toValue)).toEqual([250, 500, 750]);
    const mom = sliderScale(SCHEMA.momMax);
    expect(mom.toValue(mom.toPosition(0.95))).toBe(0.95);
    expect(mom.toPosition(5)).toBe(mom.maxPosition);
    expect(mom.toPosition(-1)).toBe(0);
    const epochs = sliderScale(SCHEMA.epochs);
    expect(epochs.toValue(epochs.toPosition(20))).toBe(20);
    expect(epochs.toValue(epochs.toPosition(20) + 1)).toBe(21);
  });

  it.each([
    [0.0099, 0.01],
    [249.92, 250],
    [5.11, 10],
    [1.5, 2],
    [0.3, 0.5],
  ])('niceStep(%s) = %s', (x, step) => expect(niceStep(x)).toBe(step));
});
