import { describe, expect, it } from 'vitest';
import { defaultConfig, parseConfigQuery, type TrainConfig } from './config';
import { linkToQuery } from './link';
import {
  RECIPE,
  RECIPE_LENGTH,
  recipeComplete,
  recipeFinalConfig,
  recipeFromConfig,
  recipeProposal,
  recipeReduce,
  rangeRerunAdvised,
  type RecipeAction,
  type RecipeState,
} from './recipe';

const fresh = (): RecipeState => recipeFromConfig({ recipeStep: 1 });

/** Runs actions from a fresh recipe, applying each patch to the configuration as the UI does. */
function play(actions: RecipeAction[], c: TrainConfig = defaultConfig()) {
  let state = fresh();
  let config = c;
  const patches: Partial<TrainConfig>[] = [];
  for (const a of actions) {
    const r = recipeReduce(state, a);
    state = r.state;
    config = { ...config, ...r.patch };
    patches.push(r.patch);
  }
  return { state, config, patches };
}

describe('recipe steps', () => {
  it('has five steps, each explained in two sentences', () => {
    expect(RECIPE.map((s) => s.id)).toEqual(['range', 'batch', 'momentum', 'wd', 'final']);
    for (const s of RECIPE) expect(s.looksFor.match(/[.!?](\s|$)/g)).toHaveLength(2);
  });
});

describe('recipeReduce', () => {
  it.each([
    // [action, step after, status after, patch]
    [
      { type: 'rangeResult', lrMax: 1.2345, batchSize: 128 },
      2,
      ['done', 'todo', 'todo', 'todo', 'todo'],
      { lrMax: 1.23, lrMin: 0.123, recipeStep: 2 },
    ],
    [{ type: 'skip' }, 2, ['skipped', 'todo', 'todo', 'todo', 'todo'], { recipeStep: 2 }],
    [
      // Accepting bounds without running the range test: set, not done.
      { type: 'accept', values: { lrMax: 0.5, lrMin: 0.05, wd: 0.1 } },
      2,
      ['set', 'todo', 'todo', 'todo', 'todo'],
      // wd is not step 1's to set: dropped.
      { lrMax: 0.5, lrMin: 0.05, recipeStep: 2 },
    ],
    [{ type: 'goto', step: 4 }, 4, ['todo', 'todo', 'todo', 'todo', 'todo'], { recipeStep: 4 }],
    [{ type: 'goto', step: 99 }, 5, ['todo', 'todo', 'todo', 'todo', 'todo'], { recipeStep: 5 }],
    [
      // A range test that found nothing usable changes nothing.
      { type: 'rangeResult', lrMax: NaN, batchSize: 128 },
      1,
      ['todo', 'todo', 'todo', 'todo', 'todo'],
      {},
    ],
  ] as const)('from step 1: %j → step %i', (action, step, status, patch) => {
    const r = recipeReduce(fresh(), action as RecipeAction);
    expect(r.state.step).toBe(step);
    expect(r.state.status).toEqual(status);
    expect(r.patch).toEqual(patch);
  });

  it('keeps accepted values inside their control ranges', () => {
    const at2 = { ...fresh(), step: 2 };
    expect(recipeReduce(at2, { type: 'accept', values: { batchSize: 5000.4 } }).patch).toEqual({
      batchSize: 1024,
      recipeStep: 3,
    });
    expect(recipeReduce(fresh(), { type: 'rangeResult', lrMax: 500, batchSize: 8 }).patch).toEqual({
      lrMax: 10,
      lrMin: 10,
      recipeStep: 2,
    });
  });

  it('walks all five steps: each pre-fills from the last, and the end is a 1cycle run', () => {
    const base = { ...defaultConfig(), schedule: 'multistep' as const, wd: 5e-4, batchSize: 256 };
    const { state, config } = play(
      [
        { type: 'rangeResult', lrMax: 3, batchSize: 256 },
        { type: 'accept', values: recipeProposal('batch', { ...base, lrMax: 3 }) },
        { type: 'accept', values: { momSchedule: 'constant', momMax: 0.9 } },
        { type: 'skip' },
        { type: 'accept', values: {} },
      ],
      base,
    );
    expect(recipeComplete(state)).toBe(true);
    // Accepted values were not run here: set, not done.
    expect(state.status).toEqual(['done', 'set', 'set', 'skipped', 'set']);
    expect(state.step).toBe(RECIPE_LENGTH);
    expect(config).toMatchObject({
      lrMax: 3,
      lrMin: 0.3,
      batchSize: 256,
      momSchedule: 'constant',
      momMax: 0.9,
      wd: 5e-4,
      schedule: 'onecycle',
      recipeStep: 5,
    });
  });

  it('restart clears the statuses and goes back to step 1', () => {
    const { state } = play([{ type: 'skip' }, { type: 'skip' }, { type: 'restart' }]);
    expect(state).toEqual(fresh());
    expect(recipeComplete(state)).toBe(false);
  });
});

describe('proposals', () => {
  const c = { ...defaultConfig(), batchSize: 64, wd: 3e-4, lrMax: 2, lrMin: 0.2 };
  it.each([
    ['range', { lrMin: 0.2, lrMax: 2 }],
    ['batch', { batchSize: 64 }],
    ['momentum', { momSchedule: 'cyclic', momMax: 0.95, momMin: 0.85 }],
    ['wd', { wd: 3e-4 }],
    ['final', {}],
  ] as const)('%s proposes %j', (id, expected) => {
    expect(recipeProposal(id, c)).toEqual(expected);
  });
});

describe('links', () => {
  it('a link opened at step 3 counts steps 1–2 as set, not done (nothing ran here)', () => {
    expect(recipeFromConfig({ recipeStep: 3 }).status).toEqual([
      'set',
      'set',
      'todo',
      'todo',
      'todo',
    ]);
  });

  it('recipeStep round-trips through the URL codec, and bad values are clamped', () => {
    const q = linkToQuery({ config: { ...defaultConfig(), mode: 'recipe', recipeStep: 4 } });
    expect(q).toContain('recipeStep=4');
    const parsed = parseConfigQuery([...new URLSearchParams(q)]);
    expect(parsed.config.recipeStep).toBe(4);
    expect(parsed.config.mode).toBe('recipe');
    expect(parseConfigQuery([['recipeStep', '9']]).config.recipeStep).toBe(5);
  });

  it('the final link opens the Train instrument with the chosen settings and 1cycle', () => {
    const c = { ...defaultConfig(), mode: 'recipe' as const, recipeStep: 5, lrMax: 1.5 };
    const q = linkToQuery({ config: recipeFinalConfig(c) });
    const back = parseConfigQuery([...new URLSearchParams(q)]).config;
    expect(back).toMatchObject({ mode: 'train', schedule: 'onecycle', lrMax: 1.5 });
  });
});

describe('rangeRerunAdvised', () => {
  it.each([
    [null, 512, false],
    [128, 256, false],
    [128, 512, true],
    [128, 32, true],
  ])('range test at %s, batch now %i → %s', (rangeBatch, batchSize, expected) => {
    expect(rangeRerunAdvised({ ...fresh(), rangeBatch }, { batchSize })).toBe(expected);
  });
});
