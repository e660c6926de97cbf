/** Checks a value typed into a number field; a bad value is explained and never applied. */
import type { ScaledField } from './scale';
import { formatValue } from '../format';

export type Typed = { ok: true; value: number } | { ok: false; message: string };

export function parseTyped(raw: string, field: ScaledField): Typed {
  const text = raw.trim();
  const range = `${formatValue(field.min)} to ${formatValue(field.max)}`;
  const n = text === '' ? NaN : Number(text);
  if (!Number.isFinite(n)) return { ok: false, message: `Enter a number from ${range}.` };
  if (field.integer && !Number.isInteger(n))
    return { ok: false, message: `Enter a whole number from ${range}.` };
  if (n < field.min || n > field.max)
    return { ok: false, message: `${formatValue(n)} is out of range: enter ${range}.` };
  return { ok: true, value: n };
}
