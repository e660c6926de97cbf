/**
 * Reads loss curves the way Smith's report teaches (arXiv:1803.09820 §3, 1708.07120): the
 * overfitting bump (validation loss rising while training loss falls or holds), instability (both
 * rise together — a too-large LR, not overfitting), underfitting (validation loss still falling
 * steadily at the end) and the horizontal plateau that tuning aims for.
 *
 * A pure function of the series so far, so the chart can call it on every frame as points arrive.
 * x is generic: iterations for a training run, the learning rate for a range test.
 */

export interface CurvePoint {
  /** Iteration, or the learning rate in a range test. */
  x: number;
  loss: number;
}

export type RegionKind = 'overfitting' | 'instability' | 'underfitting' | 'plateau';

export interface Region {
  kind: RegionKind;
  /** x where the region starts and ends (inclusive). */
  from: number;
  to: number;
  label: string;
  explanation: string;
  suggestion: string;
}

export interface DiagnoseOptions {
  /** What x means: wording only (the detection counts points, so log-spaced x works as well). */
  axis?: 'iteration' | 'lr';
  /** Smallest rise of validation loss above its minimum, as a fraction of it (default 0.05). */
  minRise?: number;
  /** Smallest rise of the smoothed training loss that counts as instability (default 0.25). */
  trainSpike?: number;
  /** Most validation points a region may span and still be called flat: spread ≤ this × level. */
  flatTolerance?: number;
  /** Fewest validation points in a region (default 3). */
  minPoints?: number;
}

const DEFAULTS = { minRise: 0.05, trainSpike: 0.25, flatTolerance: 0.03, minPoints: 3 };

/** The text each kind of region carries: what it means and what the paper suggests trying. */
export function describeRegion(
  kind: RegionKind,
  axis: 'iteration' | 'lr' = 'iteration',
): Pick<Region, 'label' | 'explanation' | 'suggestion'> {
  const lr = axis === 'lr';
  switch (kind) {
    case 'overfitting':
      return {
        label: 'Overfitting',
        explanation:
          'Validation loss rises while training loss keeps falling or holds: the net is ' +
          'memorising the training images. Smith reads this early bump as the sign of too ' +
          'little regularisation.',
        suggestion: lr
          ? 'Prefer larger learning rates (they regularise) or add weight decay for this range.'
          : 'Regularise more: larger weight decay, a larger learning rate (large LRs regularise), ' +
            'augmentation or more data — or stop earlier (fewer epochs).',
      };
    case 'instability':
      return {
        label: 'Instability',
        explanation: lr
          ? 'The loss climbs as the learning rate grows: past here training is unstable. This ' +
            'sharp rise is not overfitting.'
          : 'Training and validation loss rise together: the learning rate is too large for ' +
            'the net to follow. Smith notes this sharp rise is not overfitting.',
        suggestion: lr
          ? 'Set LR max below where this region starts (Smith takes the LR where the loss ' +
            'stops falling or turns ragged).'
          : 'Lower LR max (re-run the LR range test and stay below where its loss climbs), or ' +
            'lengthen the warm-up.',
      };
    case 'underfitting':
      return {
        label: 'Underfitting',
        explanation:
          'Validation loss is still falling steadily, with no plateau yet: the net has more ' +
          'to learn. If training ends here, it underfits.',
        suggestion:
          'Train longer (more epochs), reduce regularisation (smaller weight decay), or try ' +
          'a larger learning rate; a bigger net if it persists.',
      };
    case 'plateau':
      return {
        label: 'Plateau',
        explanation:
          'Validation loss is horizontal: neither falling (underfitting) nor rising ' +
          '(overfitting) — the balance Smith’s tuning aims for.',
        suggestion:
          'Settings are balanced here. To gain more, compare weight decay or LR max on short ' +
          'runs and keep the one whose validation loss ends lowest.',
      };
  }
}

/** EMA smoothing factor for n points: fastai's 0.98 for long runs, a shorter window for short ones. */
export function smoothingBeta(n: number): number {
  return Math.min(0.98, Math.max(0, 1 - 8 / Math.max(n, 1)));
}

/**
 * The smoothed training loss at each query x: the debiased EMA of the finite training losses up
 * to and including that x (NaN before the first). `xs` must not decrease.
 */
export function smoothedTrainAt(
  train: readonly CurvePoint[],
  xs: readonly number[],
  beta = smoothingBeta(train.length),
): number[] {
  const t = train.filter((p) => Number.isFinite(p.loss));
  return sampleAt(t, debiasedEma(t, beta), xs);
}

/**
 * fastai's debiased EMA (as src/core/smooth.ts), inlined with a running power of β: this runs on
 * every new frame of points, and `β ** n` per point would double its cost.
 */
function debiasedEma(t: readonly CurvePoint[], beta: number): Float64Array {
  const out = new Float64Array(t.length);
  let avg = 0;
  let pw = 1;
  for (let i = 0; i < t.length; i++) {
    avg = beta * avg + (1 - beta) * t[i]!.loss;
    pw *= beta;
    out[i] = avg / (1 - pw);
  }
  return out;
}

/** The smoothed value at the last point with x ≤ each query x (NaN before the first). */
function sampleAt(t: readonly CurvePoint[], smooth: Float64Array, xs: readonly number[]): number[] {
  const out: number[] = [];
  let i = 0;
  for (const x of xs) {
    while (i < t.length && t[i]!.x <= x) i++;
    out.push(i > 0 ? smooth[i - 1]! : NaN);
  }
  return out;
}

/**
 * Noise level of a series robust to a linear trend: the median absolute second difference,
 * scaled to a standard deviation (second differences of white noise have variance 6σ²).
 */
function noiseSigma(v: readonly number[]): number {
  if (v.length < 3) return 0;
  const d: number[] = [];
  for (let i = 1; i < v.length - 1; i++) d.push(Math.abs(v[i + 1]! - 2 * v[i]! + v[i - 1]!));
  d.sort((a, b) => a - b);
  const median = d[Math.floor(d.length / 2)]!;
  return (median * 1.4826) / Math.sqrt(6);
}

interface Span {
  kind: RegionKind;
  /** Indices into the series the span was found in. */
  i: number;
  j: number;
}

/** Finds the labelled regions of a run's curves. Cheap: O(train + val) per call. */
export function diagnose(
  train: readonly CurvePoint[],
  val: readonly CurvePoint[],
  options: DiagnoseOptions = {},
): Region[] {
  const o = { ...DEFAULTS, ...options };
  const axis = options.axis ?? 'iteration';
  const v = val.filter((p) => Number.isFinite(p.loss));
  const t = train.filter((p) => Number.isFinite(p.loss));
  const regions: { kind: RegionKind; from: number; to: number }[] = [];

  const smooth = debiasedEma(t, smoothingBeta(t.length));
  const trainSpans = trainSpikes(smooth, o.trainSpike);
  for (const s of trainSpans) regions.push({ kind: s.kind, from: t[s.i]!.x, to: t[s.j]!.x });

  if (v.length >= o.minPoints) {
    const loss = v.map((p) => p.loss);
    const sigma = noiseSigma(loss);
    const trainAt = sampleAt(
      t,
      smooth,
      v.map((p) => p.x),
    );
    const rises = valRises(loss, sigma, o.minRise, o.minPoints);
    const taken = new Array<boolean>(v.length).fill(false);
    for (const r of rises) {
      for (let k = r.i; k <= r.j; k++) taken[k] = true;
      const from = v[r.i]!.x;
      const to = v[r.j]!.x;
      const tA = trainAt[r.i]!;
      const tB = trainAt[r.j]!;
      // Training loss that rose clearly too, or a train spike spanning much of the rise, means
      // instability. A spike that merely touches the rise (an early blip whose smoothed tail lags
      // into it) does not turn a long overfitting bump into instability.
      const trainRose =
        (Number.isFinite(tA) && Number.isFinite(tB) && tB > tA * (1 + o.trainSpike / 2) + 1e-3) ||
        trainSpans.some(
          (s) => Math.min(t[s.j]!.x, to) - Math.max(t[s.i]!.x, from) >= (to - from) / 2,
        );
      regions.push({ kind: trainRose ? 'instability' : 'overfitting', from, to });
    }
    // Trends over windows a little longer than the smallest region, so one point cannot flip them.
    const w = o.minPoints + 2;
    const trends = windowTrends(loss, sigma, o.flatTolerance, w);
    for (const s of plateaus(trends, w, taken)) {
      regions.push({ kind: 'plateau', from: v[s.i]!.x, to: v[s.j]!.x });
    }
    const under = stillFalling(trends, w, taken);
    if (under) regions.push({ kind: 'underfitting', from: v[under.i]!.x, to: v[under.j]!.x });
  }

  return mergeInstability(regions)
    .sort((a, b) => a.from - b.from || a.to - b.to)
    .map((r) => ({ ...r, ...describeRegion(r.kind, axis) }));
}

/**
 * Where the smoothed training loss climbs clearly (by `rise` × its best so far) above its best:
 * from the best point before the climb to the peak of the climb.
 */
function trainSpikes(s: Float64Array, rise: number): Span[] {
  const n = s.length;
  if (n < 8) return [];
  const beta = smoothingBeta(n);
  // The first EMA window is dominated by a few raw losses: skip it before tracking the best.
  const warm = Math.min(n - 1, Math.ceil(1 / (1 - beta)));
  const spans: Span[] = [];
  let best = warm;
  let k = warm + 1;
  while (k < n) {
    if (s[k]! < s[best]!) best = k;
    if (s[k]! > s[best]! * (1 + rise) + 1e-3) {
      // Climbing: follow to the peak, and on while the curve stays well above the best.
      let peak = k;
      let end = k;
      while (end + 1 < n && s[end + 1]! > s[best]! * (1 + rise / 2)) {
        end++;
        if (s[end]! > s[peak]!) peak = end;
      }
      spans.push({ kind: 'instability', i: best, j: peak });
      best = end + 1 < n ? end + 1 : end;
      k = end + 1;
      continue;
    }
    k++;
  }
  return spans;
}

/**
 * Rises of the validation loss above a running minimum by more than noise and `minRise`: each from
 * the minimum to the highest point before the curve comes back down near that minimum.
 */
function valRises(
  raw: readonly number[],
  sigma: number,
  minRise: number,
  minPoints: number,
): Span[] {
  const loss = median3(raw);
  const spans: Span[] = [];
  let lo = 0;
  let k = 1;
  const threshold = (base: number) => Math.max(base * minRise, 4 * sigma);
  while (k < loss.length) {
    if (loss[k]! < loss[lo]!) lo = k;
    else if (loss[k]! - loss[lo]! > threshold(loss[lo]!)) {
      let peak = k;
      let end = k;
      // The bump lasts while the loss stays above half the rise threshold.
      while (end + 1 < loss.length && loss[end + 1]! - loss[lo]! > threshold(loss[lo]!) / 2) {
        end++;
        if (loss[end]! >= loss[peak]!) peak = end;
      }
      if (peak - lo + 1 >= minPoints) spans.push({ kind: 'overfitting', i: lo, j: peak });
      lo = end + 1 < loss.length ? end + 1 : end;
      k = lo + 1;
      continue;
    }
    k++;
  }
  return spans;
}

/**
 * Running median of three, so one stray evaluation makes no bump. The last value is the lower of
 * the last two: a region must not flicker into view on a single high point as points arrive.
 */
function median3(v: readonly number[]): number[] {
  const n = v.length;
  return v.map((x, i) => {
    if (i === 0 || n < 3) return x;
    if (i === n - 1) return Math.min(x, v[i - 1]!);
    const a = v[i - 1]!;
    const c = v[i + 1]!;
    return Math.max(Math.min(a, x), Math.min(Math.max(a, x), c));
  });
}

type Trend = 'flat' | 'falling' | 'rising' | 'unclear';

/**
 * The trend of each window of `w` points, indexed by the window's last point: the least-squares
 * change over the window against the tolerance (relative to its level) and the noise.
 */
function windowTrends(
  loss: readonly number[],
  sigma: number,
  tolerance: number,
  w: number,
): Trend[] {
  const trends: Trend[] = new Array<Trend>(loss.length).fill('unclear');
  // Standard error of the fitted change over w points of white noise, times 2.5.
  const noise = 2.5 * sigma * Math.sqrt(12 / (w * (w * w - 1))) * (w - 1);
  for (let k = w - 1; k < loss.length; k++) {
    const seg = loss.slice(k - w + 1, k + 1);
    const change = slope(seg) * (w - 1);
    const level = seg.reduce((a, b) => a + b, 0) / w;
    const tol = tolerance * level;
    if (Math.abs(change) <= tol) trends[k] = 'flat';
    else if (-change > Math.max(tol, noise)) trends[k] = 'falling';
    else if (change > Math.max(tol, noise)) trends[k] = 'rising';
  }
  return trends;
}

/** Maximal stretches of flat windows over free points, each at least one window long. */
function plateaus(trends: readonly Trend[], w: number, taken: readonly boolean[]): Span[] {
  const flat = new Array<boolean>(trends.length).fill(false);
  trends.forEach((t, k) => {
    if (t === 'flat') for (let m = k - w + 1; m <= k; m++) flat[m] = true;
  });
  const spans: Span[] = [];
  let i = 0;
  while (i < flat.length) {
    if (!flat[i] || taken[i]) {
      i++;
      continue;
    }
    let j = i;
    while (j + 1 < flat.length && flat[j + 1] && !taken[j + 1]) j++;
    if (j - i + 1 >= w) spans.push({ kind: 'plateau', i, j });
    i = j + 1;
  }
  return spans;
}

/**
 * Underfitting: the last window still falls clearly, and the stretch of falling windows before
 * it is where the fall began.
 */
function stillFalling(trends: readonly Trend[], w: number, taken: readonly boolean[]): Span | null {
  const n = trends.length;
  if (n < w || trends[n - 1] !== 'falling' || taken[n - 1]) return null;
  let k = n - 1;
  while (k - 1 >= w - 1 && trends[k - 1] === 'falling' && !taken[k - w]) k--;
  return { kind: 'underfitting', i: k - w + 1, j: n - 1 };
}

/** Least-squares slope of v against its index. */
function slope(v: readonly number[]): number {
  const n = v.length;
  const mx = (n - 1) / 2;
  let my = 0;
  for (const y of v) my += y / n;
  let num = 0;
  let den = 0;
  v.forEach((y, k) => {
    num += (k - mx) * (y - my);
    den += (k - mx) ** 2;
  });
  return den > 0 ? num / den : 0;
}

/** Overlapping instability regions (from the train and validation curves) become one. */
function mergeInstability<T extends { kind: RegionKind; from: number; to: number }>(
  regions: T[],
): T[] {
  const unstable = regions.filter((r) => r.kind === 'instability').sort((a, b) => a.from - b.from);
  const merged: T[] = [];
  for (const r of unstable) {
    const last = merged.at(-1);
    if (last && r.from <= last.to)
      merged[merged.length - 1] = { ...last, to: Math.max(last.to, r.to) };
    else merged.push({ ...r });
  }
  return [...regions.filter((r) => r.kind !== 'instability'), ...merged];
}
