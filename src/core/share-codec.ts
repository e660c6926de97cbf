/**
 * A finished run packed small enough for a link: training loss thinned to ≤ 200 bucket means,
 * every validation point, each series quantised to 12 bits over its own min/max. Pure bytes in
 * and out; the page deflates them and writes base64url (`r=` in the link).
 */
import {
  BACKEND_CHOICES,
  configToQuery,
  parseConfigQuery,
  type BackendName,
  type TrainConfig,
} from './config';
import { printable } from './link';
import { RUN_STATES, type RunState, type TrainPoint, type ValPoint } from './run';

// The link's text encoding; re-exported so callers keep one import.
export { fromBase64Url, toBase64Url } from './base64url';

export interface SharedRun {
  config: TrainConfig;
  name: string;
  state: RunState;
  backend: BackendName | null;
  imagesPerSec: number;
  durationSec: number;
  /** Iterations the run was planned for (the x-axis end). */
  totalSteps: number;
  /** When the run started, ms since 1970. */
  createdAt: number;
  train: TrainPoint[];
  val: ValPoint[];
}

export type UnpackResult =
  { ok: true; run: SharedRun; notices: string[] } | { ok: false; error: string };

/** First byte of every payload, then the payload format. */
const MAGIC = 0x53;
const FORMAT = 1;
/** Training points kept in a link. */
export const MAX_SHARED_TRAIN = 200;
/** Points a payload may claim before it is rejected as hostile. */
const MAX_POINTS = 5000;
const MAX_STEP = 1e9;
/** 12-bit codes: 0..4094 for values, 4095 for a non-finite one (a diverged step). */
const LEVELS = 4094;
const NON_FINITE = 4095;

/** A state travels as its index in RUN_STATES. */
const STATES = RUN_STATES;
const BACKENDS = BACKEND_CHOICES.filter((b): b is BackendName => b !== 'auto');

/**
 * At most `max` points: each bucket of consecutive steps becomes its mean loss (finite losses
 * only), at the bucket's middle step with that step's LR and momentum. Means, not picks, so the
 * thinned curve shows the trend rather than one minibatch's noise.
 */
export function downsampleTrain(
  points: readonly TrainPoint[],
  max = MAX_SHARED_TRAIN,
): TrainPoint[] {
  if (points.length <= max) return points.map((p) => ({ ...p }));
  const out: TrainPoint[] = [];
  for (let b = 0; b < max; b++) {
    const from = Math.floor((b * points.length) / max);
    const to = Math.floor(((b + 1) * points.length) / max);
    let sum = 0;
    let n = 0;
    for (let i = from; i < to; i++) {
      const loss = (points[i] as TrainPoint).loss;
      if (Number.isFinite(loss)) {
        sum += loss;
        n++;
      }
    }
    const mid = points[Math.floor((from + to - 1) / 2)] as TrainPoint;
    out.push({ step: mid.step, loss: n > 0 ? sum / n : NaN, lr: mid.lr, momentum: mid.momentum });
  }
  return out;
}

/** The worst error quantisation adds to a value of a series spanning [min, max]. */
export function quantisationBound(min: number, max: number): number {
  return (max - min) / (2 * LEVELS);
}

/** Packs a run (thinning its training points) into bytes. */
export function packRun(run: SharedRun): Uint8Array {
  const w = new Writer();
  w.byte(MAGIC);
  w.byte(FORMAT);
  w.ascii(configToQuery(run.config, 'share'));
  w.ascii(encodeURIComponent(run.name.slice(0, 80)));
  w.byte(Math.max(0, STATES.indexOf(run.state)));
  w.byte(run.backend === null ? 255 : BACKENDS.indexOf(run.backend));
  w.f32(finiteOr(run.imagesPerSec, 0));
  w.f32(finiteOr(run.durationSec, 0));
  w.varint(Math.max(0, Math.round(finiteOr(run.totalSteps, 0))));
  w.f64(finiteOr(run.createdAt, 0));

  const train = downsampleTrain(run.train);
  w.varint(train.length);
  w.steps(train.map((p) => p.step));
  for (const key of ['loss', 'lr', 'momentum'] as const) w.series(train.map((p) => p[key]));

  w.varint(run.val.length);
  w.steps(run.val.map((p) => p.step));
  for (const key of ['epoch', 'loss', 'top1', 'top5'] as const)
    w.series(run.val.map((p) => p[key]));
  return w.bytes();
}

/** Reads bytes from `packRun`; anything malformed or hostile gives an error, never a throw. */
export function unpackRun(bytes: Uint8Array): UnpackResult {
  try {
    return { ok: true, ...read(new Reader(bytes)) };
  } catch (e) {
    if (e instanceof ShareFormatError) return { ok: false, error: e.message };
    return { ok: false, error: 'the shared result could not be read' };
  }
}

function read(r: Reader): { run: SharedRun; notices: string[] } {
  if (r.byte() !== MAGIC) throw new ShareFormatError('not a shared result of this lab');
  const format = r.byte();
  if (format !== FORMAT)
    throw new ShareFormatError(
      format > FORMAT
        ? 'made by a newer version of the lab; this page cannot draw it'
        : 'unknown shared-result format',
    );
  const notices: string[] = [];
  // Payloads from before the settings split also hold page keys: 'share' drops them unread.
  const parsed = parseConfigQuery(splitQuery(r.ascii()), 'share');
  notices.push(...parsed.notices.map((n) => `shared settings: ${n.message}`));
  const name = cleanName(decode(r.ascii()));
  const state = STATES[r.byte()];
  if (state === undefined) throw new ShareFormatError('unknown run state');
  const backendIndex = r.byte();
  const backend = backendIndex === 255 ? null : (BACKENDS[backendIndex] ?? null);
  const imagesPerSec = nonNegative(r.f32());
  const durationSec = nonNegative(r.f32());
  const totalSteps = Math.min(r.varint(), MAX_STEP);
  const createdAt = nonNegative(r.f64());

  const nTrain = r.count();
  const trainSteps = r.steps(nTrain);
  const [loss, lr, momentum] = [r.series(nTrain), r.series(nTrain), r.series(nTrain)];
  const train = trainSteps.map((step, i) => ({
    step,
    loss: loss[i] as number,
    lr: lr[i] as number,
    momentum: momentum[i] as number,
  }));

  const nVal = r.count();
  const valSteps = r.steps(nVal);
  const [epoch, vLoss, top1, top5] = [
    r.series(nVal),
    r.series(nVal),
    r.series(nVal),
    r.series(nVal),
  ];
  let clamped = false;
  const unit = (v: number) => {
    const c = Math.min(1, Math.max(0, v));
    if (c !== v && Number.isFinite(v)) clamped = true;
    return Number.isFinite(v) ? c : 0;
  };
  const val = valSteps.map((step, i) => ({
    step,
    epoch: epoch[i] as number,
    loss: vLoss[i] as number,
    top1: unit(top1[i] as number),
    top5: unit(top5[i] as number),
  }));
  if (clamped) notices.push('shared result: accuracies outside 0–1 were clamped');
  return {
    run: {
      config: parsed.config,
      name,
      state,
      backend,
      imagesPerSec,
      durationSec,
      totalSteps: Math.max(totalSteps, trainSteps.at(-1) ?? 0, valSteps.at(-1) ?? 0),
      createdAt,
      train,
      val,
    },
    notices,
  };
}

class ShareFormatError extends Error {}

function finiteOr(v: number, fallback: number): number {
  return Number.isFinite(v) ? v : fallback;
}

function nonNegative(v: number): number {
  return Number.isFinite(v) && v > 0 ? v : 0;
}

function cleanName(s: string): string {
  // eslint-disable-next-line no-control-regex
  const clean = s.replace(/[\u0000-\u001f\u007f]/g, ' ').trim();
  return clean.slice(0, 80) || 'Shared run';
}

function decode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return printable(s);
  }
}

function splitQuery(q: string): [string, string][] {
  if (q === '') return [];
  return q.split('&').map((part) => {
    const eq = part.indexOf('=');
    const [k, v] = eq < 0 ? [part, ''] : [part.slice(0, eq), part.slice(eq + 1)];
    return [decode(k), decode(v)];
  });
}

class Writer {
  private buf = new Uint8Array(1024);
  private len = 0;

  private ensure(n: number): void {
    if (this.len + n <= this.buf.length) return;
    const next = new Uint8Array(Math.max(this.buf.length * 2, this.len + n));
    next.set(this.buf.subarray(0, this.len));
    this.buf = next;
  }
  byte(b: number): void {
    this.ensure(1);
    this.buf[this.len++] = b & 0xff;
  }
  varint(n: number): void {
    let v = Math.max(0, Math.floor(n));
    while (v >= 0x80) {
      this.byte((v % 0x80) | 0x80);
      v = Math.floor(v / 0x80);
    }
    this.byte(v);
  }
  f32(v: number): void {
    this.ensure(4);
    new DataView(this.buf.buffer).setFloat32(this.len, v, true);
    this.len += 4;
  }
  f64(v: number): void {
    this.ensure(8);
    new DataView(this.buf.buffer).setFloat64(this.len, v, true);
    this.len += 8;
  }
  /** ASCII text (callers URI-encode anything else), length first. */
  ascii(s: string): void {
    this.varint(s.length);
    for (let i = 0; i < s.length; i++) this.byte(s.charCodeAt(i) & 0x7f);
  }
  /** Increasing steps as a first value and deltas (small numbers deflate well). */
  steps(steps: readonly number[]): void {
    let prev = 0;
    for (const s of steps) {
      const step = Math.max(prev + 1, Math.round(s));
      this.varint(step - prev);
      prev = step;
    }
  }
  /** min and max as float64, then the 12-bit codes packed two per three bytes. */
  series(values: readonly number[]): void {
    let min = Infinity;
    let max = -Infinity;
    for (const v of values)
      if (Number.isFinite(v)) {
        min = Math.min(min, v);
        max = Math.max(max, v);
      }
    if (min > max) [min, max] = [0, 0];
    this.f64(min);
    this.f64(max);
    const span = max - min;
    const codes = values.map((v) => {
      if (!Number.isFinite(v)) return NON_FINITE;
      return span > 0 ? Math.round(((v - min) / span) * LEVELS) : 0;
    });
    for (let i = 0; i < codes.length; i += 2) {
      const a = codes[i] as number;
      const b = codes[i + 1] ?? 0;
      this.byte(a >> 4);
      this.byte(((a & 0xf) << 4) | (b >> 8));
      if (i + 1 < codes.length) this.byte(b & 0xff);
    }
  }
  bytes(): Uint8Array {
    return this.buf.slice(0, this.len);
  }
}

class Reader {
  private pos = 0;
  private readonly view: DataView;
  constructor(private readonly buf: Uint8Array) {
    this.view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  }

  private need(n: number): void {
    if (this.pos + n > this.buf.length)
      throw new ShareFormatError('the shared result is truncated');
  }
  byte(): number {
    this.need(1);
    return this.buf[this.pos++] as number;
  }
  varint(): number {
    let v = 0;
    let scale = 1;
    for (let i = 0; i < 5; i++) {
      const b = this.byte();
      v += (b & 0x7f) * scale;
      if (b < 0x80) return v;
      scale *= 0x80;
    }
    throw new ShareFormatError('a number in the shared result is too long');
  }
  f32(): number {
    this.need(4);
    const v = this.view.getFloat32(this.pos, true);
    this.pos += 4;
    return v;
  }
  f64(): number {
    this.need(8);
    const v = this.view.getFloat64(this.pos, true);
    this.pos += 8;
    return v;
  }
  ascii(): string {
    const n = this.varint();
    if (n > 4096) throw new ShareFormatError('text in the shared result is too long');
    this.need(n);
    let s = '';
    for (let i = 0; i < n; i++) s += String.fromCharCode((this.buf[this.pos++] as number) & 0x7f);
    return s;
  }
  count(): number {
    const n = this.varint();
    if (n > MAX_POINTS) throw new ShareFormatError(`the shared result claims ${n} points`);
    return n;
  }
  steps(n: number): number[] {
    const out: number[] = [];
    let prev = 0;
    for (let i = 0; i < n; i++) {
      const delta = this.varint();
      if (delta < 1) throw new ShareFormatError('steps in the shared result do not increase');
      prev += delta;
      if (prev > MAX_STEP) throw new ShareFormatError('a step in the shared result is too large');
      out.push(prev);
    }
    return out;
  }
  series(n: number): number[] {
    const min = this.f64();
    const max = this.f64();
    if (!Number.isFinite(min) || !Number.isFinite(max) || min > max || max - min > 1e12)
      throw new ShareFormatError('a series in the shared result has a bad range');
    this.need(Math.ceil((n * 3) / 2));
    const out: number[] = [];
    for (let i = 0; i < n; i += 2) {
      const b0 = this.byte();
      const b1 = this.byte();
      out.push((b0 << 4) | (b1 >> 4));
      if (i + 1 < n) out.push(((b1 & 0xf) << 8) | this.byte());
    }
    const span = max - min;
    return out.map((c) => (c === NON_FINITE ? NaN : min + (Math.min(c, LEVELS) / LEVELS) * span));
  }
}
