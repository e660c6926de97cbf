import { describe, expect, it } from 'vitest';
import {
  CONFIG_KEYS,
  configToQuery,
  defaultConfig,
  parseConfigQuery,
  validateConfig,
  type TrainConfig,
} from './config';

const parse = (q: string) => parseConfigQuery(new URLSearchParams(q));

describe('URL configuration', () => {
  it('round-trips every key', () => {
    const c: TrainConfig = {
      ...defaultConfig(),
      model: 'shallow3',
      dataset: 'cifar100',
      trainSize: 256,
      valSize: 64,
      batchSize: 16,
      epochs: 3,
      lrMin: 0.005,
      lrMax: 0.05,
      momMax: 0.9,
      momMin: 0.8,
      wd: 0,
      seed: 42,
      backend: 'webgl',
    };
    const { config, notices } = parse(configToQuery(c));
    expect(config).toEqual(c);
    expect(notices).toEqual([]);
    for (const key of CONFIG_KEYS) expect(configToQuery(c)).toContain(`${key}=`);
  });

  it('keeps defaults for absent keys and ignores unknown ones', () => {
    const { config, notices } = parse('bogus=1&lrMax=0.5');
    expect(config).toEqual({ ...defaultConfig(), lrMax: 0.5 });
    expect(notices).toEqual([]);
  });

  it.each([
    ['lrMax=abc', 'lrMax', 0.8],
    ['lrMax=NaN', 'lrMax', 0.8],
    ['lrMax=Infinity', 'lrMax', 0.8],
    ['lrMax=', 'lrMax', 0.8],
    ['batchSize=-5', 'batchSize', 2],
    ['epochs=1e9', 'epochs', 400],
    ['wd=-1', 'wd', 0],
    ['model=%3Cscript%3E', 'model', 'resnet56'],
    ['backend=metal', 'backend', 'auto'],
  ])('%s → %s = %s, with a notice naming the key', (q, key, expected) => {
    const { config, notices } = parse(q);
    expect(config[key as keyof TrainConfig]).toBe(expected);
    expect(notices.map((n) => n.key)).toEqual([key]);
    expect(notices[0]!.message).toMatch(new RegExp(`^${key}: `));
  });

  it('rounds integer fields and uses the last of repeated keys', () => {
    const { config, notices } = parse('batchSize=16.6&seed=1&seed=9');
    expect(config.batchSize).toBe(17);
    expect(config.seed).toBe(9);
    expect(notices.map((n) => n.key)).toEqual(['seed']);
  });

  it('never echoes markup or control characters into a notice', () => {
    const { notices } = parse('model=' + encodeURIComponent('<img src=x onerror=alert(1)>\u0000'));
    expect(notices[0]!.message.includes('\u0000')).toBe(false);
    expect(notices[0]!.message.length).toBeLessThan(160);
  });
});

describe('validateConfig', () => {
  it('accepts the defaults', () => {
    expect(validateConfig(defaultConfig())).toEqual([]);
  });
  it.each([
    [{ lrMin: 1, lrMax: 0.1 }, 'lrMin'],
    [{ momMin: 0.95, momMax: 0.85 }, 'momMin'],
    [{ batchSize: 512, trainSize: 256 }, 'batchSize'],
  ])('rejects %o on %s', (patch, key) => {
    expect(validateConfig({ ...defaultConfig(), ...patch }).map((e) => e.key)).toEqual([key]);
  });
});
