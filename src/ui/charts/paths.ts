/**
 * SVG geometry for the loss chart's live lines, built in one pass. recharts' `<Line>` builds
 * several objects per drawn row on every redraw (points, label-list entries, animation items,
 * dots), which made a redraw cost ~25-35 ms at 20 Hz (docs/benchmarks.md); a path string costs
 * a few microseconds per row.
 */

/** Pixel coordinate of a row on one axis; NaN (or any non-finite value) where it has none. */
export type Coord<R> = (row: R) => number;

/** Rounds to 0.1 px: finer is invisible and only lengthens the path string. */
const px = (v: number) => Math.round(v * 10) / 10;

/**
 * Path data of a straight-segment line through `rows` in order, as recharts' linear `<Line>`
 * draws it: a row without finite coordinates breaks the line, or is skipped when `connectGaps`
 * (recharts' `connectNulls`).
 */
export function linePath<R>(
  rows: readonly R[],
  x: Coord<R>,
  y: Coord<R>,
  connectGaps = false,
): string {
  let d = '';
  let drawing = false;
  for (const r of rows) {
    const cx = x(r);
    const cy = y(r);
    if (!Number.isFinite(cx) || !Number.isFinite(cy)) {
      if (!connectGaps) drawing = false;
      continue;
    }
    d += `${drawing ? 'L' : 'M'}${px(cx)},${px(cy)}`;
    drawing = true;
  }
  return d;
}

/** The rows with finite coordinates, with them (for dots: only rows that have a value). */
export function finitePoints<R>(
  rows: readonly R[],
  x: Coord<R>,
  y: Coord<R>,
): { x: number; y: number; row: R }[] {
  const out: { x: number; y: number; row: R }[] = [];
  for (const row of rows) {
    const cx = x(row);
    const cy = y(row);
    if (Number.isFinite(cx) && Number.isFinite(cy)) out.push({ x: cx, y: cy, row });
  }
  return out;
}

/**
 * A linear scale as plain arithmetic, read from two of its values. recharts' scale functions
 * go through d3's wrappers on every call, which was a third of the paths' cost; the loss chart's
 * axes are both linear (`type="number"`), so two values define them.
 */
export function affine(scale: (v: number) => number | undefined): (v: number) => number {
  const at0 = scale(0) ?? NaN;
  const slope = (scale(1) ?? NaN) - at0;
  return (v) => at0 + slope * v;
}
