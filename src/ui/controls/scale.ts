/**
 * Maps a numeric config field onto slider positions 0..maxPosition, so the native range input
 * steps through sensible values with the arrow keys: 20 steps per decade (rounded to two
 * significant figures) on log fields, a 1-2-2.5-5 grid on linear ones.
 */
import { LOG_FLOOR } from '../../core/config';

export interface ScaledField {
  min: number;
  max: number;
  integer?: boolean;
  log?: boolean;
}

export interface SliderScale {
  /** The slider runs over integer positions 0..maxPosition. */
  maxPosition: number;
  toValue(position: number): number;
  /** The nearest slider position for any value in (or outside) the field's range. */
  toPosition(value: number): number;
}

export const STEPS_PER_DECADE = 20;

const tidy = (v: number): number => Number(v.toPrecision(12));

export function sliderScale(field: ScaledField): SliderScale {
  return field.log ? logScale(field) : linearScale(field);
}

function logScale({ min, max }: ScaledField): SliderScale {
  // A field that may be 0 (weight decay) keeps position 0 for exactly 0, then starts at LOG_FLOOR.
  const zeroSlot = min > 0 ? 0 : 1;
  const lo = min > 0 ? min : LOG_FLOOR;
  const logLo = Math.log10(lo);
  const n = Math.round((Math.log10(max) - logLo) * STEPS_PER_DECADE);
  const toValue = (position: number): number => {
    const p = clampInt(position, 0, zeroSlot + n);
    if (p < zeroSlot) return min;
    const k = p - zeroSlot;
    if (k === 0) return lo;
    if (k === n) return max;
    const v = Number((10 ** (logLo + k / STEPS_PER_DECADE)).toPrecision(2));
    return Math.min(max, Math.max(lo, v));
  };
  const toPosition = (value: number): number => {
    if (!(value > 0)) return 0;
    if (zeroSlot && value < lo / 2) return 0;
    const k = Math.round((Math.log10(Math.max(value, lo)) - logLo) * STEPS_PER_DECADE);
    return zeroSlot + clampInt(k, 0, n);
  };
  return { maxPosition: zeroSlot + n, toValue, toPosition };
}

function linearScale({ min, max, integer }: ScaledField): SliderScale {
  const range = max - min;
  let step = integer && range <= 400 ? 1 : niceStep(range / (integer ? 200 : 100));
  if (integer) step = Math.max(1, Math.round(step));
  // Positions: min, every multiple of step strictly inside (min, max), then max.
  const first = Math.floor(min / step + 1e-9) + 1;
  const last = Math.ceil(max / step - 1e-9) - 1;
  const inner = Math.max(0, last - first + 1);
  const maxPosition = inner + 1;
  const toValue = (position: number): number => {
    const p = clampInt(position, 0, maxPosition);
    if (p === 0) return min;
    if (p === maxPosition) return max;
    return tidy((first + p - 1) * step);
  };
  const toPosition = (value: number): number => {
    if (!(value > min)) return 0;
    if (value >= max) return maxPosition;
    const guess = clampInt(Math.round(value / step) - first + 1, 0, maxPosition);
    let best = guess;
    for (const p of [guess - 1, guess + 1]) {
      if (p < 0 || p > maxPosition) continue;
      if (Math.abs(toValue(p) - value) < Math.abs(toValue(best) - value)) best = p;
    }
    return best;
  };
  return { maxPosition, toValue, toPosition };
}

/** The smallest of 1, 2, 2.5, 5 × 10^k that is at least x. */
export function niceStep(x: number): number {
  const base = 10 ** Math.floor(Math.log10(x));
  for (const m of [1, 2, 2.5, 5, 10]) if (m * base >= x * (1 - 1e-9)) return tidy(m * base);
  return tidy(10 * base);
}

function clampInt(v: number, lo: number, hi: number): number {
  return Math.min(hi, Math.max(lo, Math.round(v)));
}
