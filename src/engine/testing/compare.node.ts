/** Test helper: how far a result lies from its (float64) reference. */

/** ‖a − ref‖₂ / ‖ref‖₂: the error of a whole tensor, not of its largest element. */
export function relL2(a: ArrayLike<number>, ref: ArrayLike<number>): number {
  if (a.length !== ref.length) throw new Error(`relL2: ${a.length} values against ${ref.length}`);
  let num = 0;
  let den = 0;
  for (let i = 0; i < ref.length; i++) {
    num += (a[i]! - ref[i]!) ** 2;
    den += ref[i]! ** 2;
  }
  return Math.sqrt(num / Math.max(den, 1e-30));
}
