import { describe, expect, it } from 'vitest';
import { packCheckpoint, unpackCheckpoint } from './checkpoint';
import {
  CONFIG_KEYS,
  configToQuery,
  defaultConfig,
  parseConfigQuery,
  SCHEMA,
  type TrainConfig,
} from './config';
import {
  keysTravellingTo,
  restoreCheckpointConfig,
  toCheckpointConfig,
  toWorkerConfig,
  type CheckpointConfig,
  type WorkerConfig,
} from './config-travel';
import { linkToQuery } from './link';

const PAGE_KEYS = [
  'mode',
  'rangeMode',
  'rangeStart',
  'rangeEnd',
  'rangeSteps',
  'sweepParam',
  'demoBudget',
  'recipeStep',
] as const;

/** Every page key away from its default, so a leak cannot hide behind a default value. */
const config: TrainConfig = {
  ...defaultConfig(),
  model: 'shallow3',
  lrMax: 0.05,
  seed: 7,
  mode: 'range',
  rangeMode: 'linear',
  rangeStart: 1e-4,
  rangeEnd: 3,
  rangeSteps: 40,
  sweepParam: 'batch',
  demoBudget: 'tiny',
  recipeStep: 4,
};

describe('where settings travel', () => {
  it.each(CONFIG_KEYS)('%s declares url, share, worker and checkpoint', (key) => {
    const travels = SCHEMA[key].travels;
    expect(Object.keys(travels).sort()).toEqual(['checkpoint', 'share', 'url', 'worker']);
    for (const v of Object.values(travels)) expect(typeof v).toBe('boolean');
  });

  it('puts every key in the URL, and only the page keys nowhere else', () => {
    expect(keysTravellingTo('url')).toEqual(CONFIG_KEYS);
    const engine = CONFIG_KEYS.filter((k) => !(PAGE_KEYS as readonly string[]).includes(k));
    expect(keysTravellingTo('worker')).toEqual(engine);
    expect(keysTravellingTo('checkpoint')).toEqual(engine);
    expect(keysTravellingTo('share')).toEqual(engine);
  });

  it.each([
    ['worker', toWorkerConfig],
    ['checkpoint', toCheckpointConfig],
  ] as const)('a %s config holds no page key and every training setting', (_name, to) => {
    const out = to(config) as unknown as Record<string, unknown>;
    for (const key of PAGE_KEYS) expect(out).not.toHaveProperty(key);
    for (const key of keysTravellingTo('worker')) expect(out[key]).toBe(config[key]);
  });

  it('survives a structured clone as plain settings (what postMessage sends)', () => {
    expect(structuredClone(toWorkerConfig(config))).toEqual(toWorkerConfig(config));
  });

  it('keeps page keys out of a share link and of its payload', () => {
    const q = configToQuery(config, 'share');
    for (const key of PAGE_KEYS) expect(q).not.toMatch(new RegExp(`(^|&)${key}=`));
    expect(configToQuery(config)).toMatch(/(^|&)mode=range(&|$)/);
    const link = linkToQuery({ config, to: 'share', hide: ['seed'] });
    expect(link).toMatch(/^v=1&model=shallow3&/);
    expect(link).not.toMatch(/(^|&)(mode|rangeStart|recipeStep)=/);
  });

  it('reads an old share payload that still holds page keys, dropping them unread', () => {
    const old = configToQuery(config); // what packRun wrote before the split: every key
    const { config: back, notices } = parseConfigQuery(new URLSearchParams(old), 'share');
    expect(notices).toEqual([]);
    expect(back).toEqual({ ...defaultConfig(), ...toWorkerConfig(config) });
  });

  it('lets the compiler refuse a whole page configuration at the boundaries', () => {
    // @ts-expect-error page state must pass through toWorkerConfig before it is posted
    const worker: WorkerConfig = config;
    // @ts-expect-error a checkpoint stores only what toCheckpointConfig returns
    const checkpoint: CheckpointConfig = config;
    expect([worker, checkpoint]).toHaveLength(2);
  });
});

describe('checkpoints stored before the split', () => {
  const tensors = { params: [Float32Array.from([1, 2])], stats: [], velocities: [] };
  const shapes = { params: [[2]], stats: [], velocities: [] };
  const meta = (stored: unknown) => ({
    runId: 'old',
    config: stored as CheckpointConfig,
    step: 3,
    totalSteps: 10,
    augmentSeed: 5,
    elapsedSec: 1,
    savedAt: 0,
  });

  it('restore with their page keys dropped and every training setting kept', () => {
    const record = structuredClone(packCheckpoint(meta({ ...config }), tensors, shapes));
    const back = unpackCheckpoint(record);
    expect(back.meta.config).toEqual(toCheckpointConfig(config));
    for (const key of PAGE_KEYS) expect(back.meta.config).not.toHaveProperty(key);
  });

  it.each([
    ['an unknown key', { ...config, bogus: 1 }, {}],
    ['a value out of range', { ...config, epochs: 1e9 }, { epochs: 400 }],
    ['a value of the wrong kind', { ...config, model: 42 }, { model: 'resnet56' }],
    ['a missing key', { ...config, wd: undefined }, { wd: 1e-4 }],
  ])('read leniently: %s', (_name, stored, patch) => {
    expect(restoreCheckpointConfig(stored)).toEqual({ ...toCheckpointConfig(config), ...patch });
  });
});
