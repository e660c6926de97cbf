/**
 * Largest-Triangle-Three-Buckets downsampling (Steinarsson, 2013): keeps the first and last
 * points and, from each bucket between, the point that spans the largest triangle with the point
 * kept before it and the mean of the next bucket. Peaks and spikes survive; drawing cost stays
 * bounded however long the run. For drawing only: stored points are never dropped.
 */

/**
 * Returns at most `threshold` rows of `rows` (the same objects, in order). `x` and `y` read a
 * row's coordinates; x must not decrease. With threshold < 3 or few rows, returns a copy.
 */
export function lttb<T>(
  rows: readonly T[],
  threshold: number,
  x: (r: T) => number,
  y: (r: T) => number,
): T[] {
  const n = rows.length;
  if (threshold >= n || threshold < 3) return rows.slice();
  const out: T[] = [rows[0] as T];
  // Buckets cover rows 1..n-2; the first and last rows are their own buckets.
  const size = (n - 2) / (threshold - 2);
  let a = 0;
  for (let b = 0; b < threshold - 2; b++) {
    const from = Math.floor(b * size) + 1;
    const to = Math.min(Math.floor((b + 1) * size) + 1, n - 1);
    // The mean of the next bucket (the last row when this is the final bucket).
    const nextFrom = to;
    const nextTo = Math.min(Math.floor((b + 2) * size) + 1, n);
    let mx = 0;
    let my = 0;
    for (let i = nextFrom; i < nextTo; i++) {
      mx += x(rows[i] as T);
      my += y(rows[i] as T);
    }
    const count = Math.max(1, nextTo - nextFrom);
    mx /= count;
    my /= count;
    const ax = x(rows[a] as T);
    const ay = y(rows[a] as T);
    let best = from;
    let bestArea = -1;
    for (let i = from; i < to; i++) {
      const area = Math.abs(
        (ax - mx) * (y(rows[i] as T) - ay) - (ax - x(rows[i] as T)) * (my - ay),
      );
      if (area > bestArea) {
        bestArea = area;
        best = i;
      }
    }
    out.push(rows[best] as T);
    a = best;
  }
  out.push(rows[n - 1] as T);
  return out;
}
