import { deflateRawSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { defaultConfig, type TrainConfig } from './config';
import { linkToQuery } from './link';
import { Rng } from './rng';
import type { TrainPoint, ValPoint } from './run';
import { oneCycle } from './schedule';
import {
  downsampleTrain,
  fromBase64Url,
  packRun,
  quantisationBound,
  toBase64Url,
  unpackRun,
  type SharedRun,
} from './share-codec';

/** A plausible run: noisy falling training loss, a 1cycle schedule, one evaluation per epoch. */
function fakeRun(epochs: number, stepsPerEpoch: number, seed = 3): SharedRun {
  const rng = new Rng(seed);
  const config: TrainConfig = { ...defaultConfig(), model: 'resnet20', epochs, lrMax: 3 };
  const totalSteps = epochs * stepsPerEpoch;
  const train: TrainPoint[] = [];
  for (let step = 1; step <= totalSteps; step++) {
    const s = oneCycle(step, { ...config, totalSteps });
    const loss = 2.3 * Math.exp(-step / (totalSteps / 3)) + 0.2 + 0.3 * (rng.next() - 0.5);
    train.push({ step, loss, lr: s.lr, momentum: s.momentum });
  }
  const val: ValPoint[] = [];
  for (let e = 1; e <= epochs; e++)
    val.push({
      step: e * stepsPerEpoch,
      epoch: e,
      loss: 2.0 * Math.exp(-e / 5) + 0.4,
      top1: 0.3 + (0.6 * e) / epochs,
      top5: 0.7 + (0.29 * e) / epochs,
    });
  return {
    config,
    name: 'ResNet-20 · 1cycle ✓',
    state: 'done',
    backend: 'webgpu',
    imagesPerSec: 812.5,
    durationSec: 1234.5,
    totalSteps,
    createdAt: Date.UTC(2026, 10, 22, 12),
    train,
    val,
  };
}

function range(xs: number[]): [number, number] {
  return [Math.min(...xs), Math.max(...xs)];
}

describe('share codec round trip', () => {
  it('keeps metadata exactly and values within the 12-bit quantisation bound', () => {
    const run = fakeRun(20, 390);
    const out = unpackRun(packRun(run));
    if (!out.ok) throw new Error(out.error);
    expect(out.notices).toEqual([]);
    const got = out.run;
    expect(got).toMatchObject({
      config: run.config,
      name: run.name,
      state: 'done',
      backend: 'webgpu',
      totalSteps: 7800,
      createdAt: run.createdAt,
    });
    expect(got.imagesPerSec).toBeCloseTo(812.5, 3);
    expect(got.durationSec).toBeCloseTo(1234.5, 2);

    const want = downsampleTrain(run.train);
    expect(want).toHaveLength(200);
    expect(got.train.map((p) => p.step)).toEqual(want.map((p) => p.step));
    for (const key of ['loss', 'lr', 'momentum'] as const) {
      const [lo, hi] = range(want.map((p) => p[key]));
      const bound = quantisationBound(lo, hi) * (1 + 1e-9);
      got.train.forEach((p, i) =>
        expect(Math.abs(p[key] - want[i]![key])).toBeLessThanOrEqual(bound),
      );
    }
    expect(got.val.map((p) => p.step)).toEqual(run.val.map((p) => p.step));
    for (const key of ['epoch', 'loss', 'top1', 'top5'] as const) {
      const [lo, hi] = range(run.val.map((p) => p[key]));
      const bound = quantisationBound(lo, hi) * (1 + 1e-9);
      got.val.forEach((p, i) =>
        expect(Math.abs(p[key] - run.val[i]![key])).toBeLessThanOrEqual(bound),
      );
    }
  });

  it('keeps short runs point for point and a diverged NaN as NaN', () => {
    const run = fakeRun(1, 7);
    run.state = 'diverged';
    run.backend = null;
    run.train[6]!.loss = NaN;
    const out = unpackRun(packRun(run));
    if (!out.ok) throw new Error(out.error);
    expect(out.run.train).toHaveLength(7);
    expect(out.run.train[6]!.loss).toBeNaN();
    expect(out.run.train[5]!.loss).toBeCloseTo(run.train[5]!.loss, 3);
    expect(out.run).toMatchObject({ state: 'diverged', backend: null });
  });

  it('thins by bucket means: 1200 points of an alternating loss become flat', () => {
    const pts = Array.from({ length: 1200 }, (_, i) => ({
      step: i + 1,
      loss: 1 + (i % 2 === 0 ? 0.5 : -0.5),
      lr: 0.1,
      momentum: 0.9,
    }));
    const thin = downsampleTrain(pts);
    expect(thin).toHaveLength(200);
    for (const p of thin) expect(p.loss).toBeCloseTo(1, 9);
  });

  it('a 20-epoch × 390-step run makes a link under 8 KB', () => {
    const run = fakeRun(20, 390);
    const r = toBase64Url(deflateRawSync(packRun(run), { level: 9 }));
    const link = `https://example.org/?${linkToQuery({ config: run.config, shared: r })}`;
    // Recorded in docs/benchmarks.md.
    console.log(
      `share link: payload ${packRun(run).length} B, r= ${r.length} chars, link ${link.length} chars`,
    );
    expect(link.length).toBeLessThan(8192);
  });
});

describe('share codec against hostile input', () => {
  const good = packRun(fakeRun(2, 10));

  it.each([
    ['empty', new Uint8Array(0)],
    ['wrong magic', Uint8Array.from([0x00, 1, 2, 3])],
    ['a newer format', Uint8Array.from([0x53, 9])],
    ['truncated', good.slice(0, good.length - 5)],
    ['cut in the header', good.slice(0, 12)],
  ])('%s: an error, not a throw', (_name, bytes) => {
    const out = unpackRun(bytes);
    expect(out.ok).toBe(false);
  });

  it('rejects every truncation of a good payload', () => {
    for (let n = 0; n < good.length; n++) expect(unpackRun(good.slice(0, n)).ok).toBe(false);
  });

  it('survives random byte flips without throwing', () => {
    const rng = new Rng(11);
    for (let t = 0; t < 500; t++) {
      const bytes = good.slice();
      for (let k = 0; k < 3; k++)
        bytes[Math.floor(rng.next() * bytes.length)] = Math.floor(rng.next() * 256);
      const out = unpackRun(bytes);
      if (out.ok) for (const p of out.run.val) expect(p.top1).toBeGreaterThanOrEqual(0);
    }
  });

  it('clamps hostile settings through the schema, with notices', () => {
    const run = fakeRun(1, 4);
    run.config = { ...run.config, epochs: 1e9, lrMax: NaN } as TrainConfig;
    const out = unpackRun(packRun(run));
    if (!out.ok) throw new Error(out.error);
    expect(out.run.config.epochs).toBe(400);
    expect(out.run.config.lrMax).toBe(0.8);
    expect(out.notices.some((n) => /epochs: .* outside/.test(n))).toBe(true);
    expect(out.notices.some((n) => /lrMax/.test(n))).toBe(true);
  });

  it('clamps accuracies outside 0..1 and strips control characters from the name', () => {
    const run = fakeRun(1, 4);
    run.val[0]!.top1 = 7;
    run.name = 'a\u0000b\nc';
    const out = unpackRun(packRun(run));
    if (!out.ok) throw new Error(out.error);
    expect(out.run.val[0]!.top1).toBe(1);
    expect(out.run.name).toBe('a b c');
    expect(out.notices).toContain('shared result: accuracies outside 0–1 were clamped');
  });

  it('rejects a payload claiming millions of points', () => {
    const bytes = Uint8Array.from([
      0x53,
      1,
      0,
      0,
      4,
      255,
      ...new Array(16).fill(0),
      0,
      ...new Array(8).fill(0),
      0xff,
      0xff,
      0x7f,
    ]);
    const out = unpackRun(bytes);
    expect(out).toMatchObject({ ok: false });
  });
});

describe('base64url', () => {
  it.each([0, 1, 2, 3, 4, 5, 255])('round-trips %i bytes', (n) => {
    const bytes = Uint8Array.from({ length: n }, (_, i) => (i * 97 + 13) & 0xff);
    const s = toBase64Url(bytes);
    expect(s).toMatch(/^[A-Za-z0-9_-]*$/);
    expect(s).toBe(Buffer.from(bytes).toString('base64url'));
    expect(fromBase64Url(s)).toEqual(bytes);
  });

  it.each(['a', 'ab$c', 'ab c', 'abcde'])('rejects %j', (s) => {
    expect(fromBase64Url(s)).toBeNull();
  });
});
