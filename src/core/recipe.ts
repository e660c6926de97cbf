/**
 * Smith's guided recipe (Part I, Section 5) as a pure state machine: five steps, each proposing
 * values from the previous results, each accepted, overridden or skipped. The chosen values live
 * in the training configuration itself, so the URL (with `recipeStep`) is the recipe's state.
 */
import { SCHEMA, type TrainConfig } from './config';
import { oneCycleBounds } from './range-test';

export const RECIPE_STEPS = ['range', 'batch', 'momentum', 'wd', 'final'] as const;
export type RecipeStepId = (typeof RECIPE_STEPS)[number];

/** The settings each step decides. */
export type RecipeValues = Pick<
  TrainConfig,
  'lrMin' | 'lrMax' | 'batchSize' | 'momMax' | 'momMin' | 'momSchedule' | 'wd'
>;

export interface RecipeStepInfo {
  id: RecipeStepId;
  title: string;
  /** Two sentences: what the step runs and what to look for in its result. */
  looksFor: string;
  /** The settings the step sets. */
  keys: readonly (keyof RecipeValues)[];
}

export const RECIPE: readonly RecipeStepInfo[] = [
  {
    id: 'range',
    title: 'LR range test → learning-rate bounds',
    looksFor:
      'Sweep the learning rate upward over a short run and watch validation loss and accuracy. ' +
      'The maximum LR is where they stop improving; for 1cycle the minimum is that maximum ÷ 10.',
    keys: ['lrMax', 'lrMin'],
  },
  {
    id: 'batch',
    title: 'Batch size',
    looksFor:
      'Use the largest batch the hardware runs well: larger batches tolerate larger learning rates. ' +
      'Compare sizes at equal wall-clock time, and repeat the range test if you change it by more than 2×.',
    keys: ['batchSize'],
  },
  {
    id: 'momentum',
    title: 'Momentum (short runs)',
    looksFor:
      'Run a few short trainings with cyclical momentum (0.95→0.85) and constant values (0.99, 0.9). ' +
      'Keep the setting whose validation loss falls fastest early on; with 1cycle, cyclical 0.95–0.85 usually wins.',
    keys: ['momSchedule', 'momMax', 'momMin'],
  },
  {
    id: 'wd',
    title: 'Weight decay grid',
    looksFor:
      'Run short trainings at weight decays 1e-3, 3e-4, 1e-4, 3e-5, 1e-5 and 0 with everything else fixed. ' +
      'Pick the value with the lowest early validation loss: small data sets and models want more, big ones less.',
    keys: ['wd'],
  },
  {
    id: 'final',
    title: 'Final 1cycle run',
    looksFor:
      'Train once with 1cycle over the chosen bounds, momentum and weight decay, for the full budget. ' +
      'Test accuracy should rise fast during the large-LR phase and jump at the final annealing.',
    keys: [],
  },
];

/** Smith's weight-decay grid for step 4 (the values the sweep issue lists). */
export const WD_GRID: readonly number[] = [1e-3, 3e-4, 1e-4, 3e-5, 1e-5, 0];

/** Smith's recommended cyclical momentum for 1cycle. */
export const RECIPE_MOMENTUM = { momSchedule: 'cyclic', momMax: 0.95, momMin: 0.85 } as const;

/**
 * 'done': the step ran here (the range test); 'set': its values were accepted without a run (a
 * proposal, or a link's values), which the page must not pass off as done; 'skipped': left as is.
 */
export type StepStatus = 'todo' | 'done' | 'set' | 'skipped';

export interface RecipeState {
  /** The step shown, 1-based (the URL's `recipeStep`). */
  step: number;
  /** One per step, in order. */
  status: StepStatus[];
  /** The batch size the range test ran at, once it has (its bounds hold for that batch size). */
  rangeBatch: number | null;
}

export type RecipeAction =
  /** The range test suggested this maximum LR (step 1): bounds follow and the recipe moves on. */
  | { type: 'rangeResult'; lrMax: number; batchSize: number }
  /** Confirms the current step with these values (the proposal, or the user's own). */
  | { type: 'accept'; values: Partial<RecipeValues> }
  /** Leaves the current step's settings as they are and moves on. */
  | { type: 'skip' }
  /** Shows another step; the statuses stay. */
  | { type: 'goto'; step: number }
  | { type: 'restart' };

export const RECIPE_LENGTH = RECIPE_STEPS.length;

function clampStep(step: number): number {
  return Math.min(RECIPE_LENGTH, Math.max(1, Math.round(step)));
}

/** A link opened at step k: the earlier steps' values are in the link (set, not run here). */
export function recipeFromConfig(c: Pick<TrainConfig, 'recipeStep'>): RecipeState {
  const step = clampStep(c.recipeStep);
  return {
    step,
    status: RECIPE_STEPS.map((_, i) => (i + 1 < step ? 'set' : 'todo')),
    rangeBatch: null,
  };
}

/** Keeps a value inside its control's range, as the URL codec would. */
function fit<K extends keyof RecipeValues>(key: K, v: number): number {
  const f = SCHEMA[key];
  if (f.kind !== 'number') return v;
  return Math.min(f.max, Math.max(f.min, v));
}

/** LR bounds from a suggested maximum: 1cycle's ÷ 10, rounded to 3 significant digits. */
export function recipeBounds(lrMax: number): { lrMin: number; lrMax: number } {
  const b = oneCycleBounds(lrMax);
  const round = (v: number) => Number(v.toPrecision(3));
  return { lrMin: fit('lrMin', round(b.lrMin)), lrMax: fit('lrMax', round(b.lrMax)) };
}

/** What the current step proposes, pre-filled from the configuration the earlier steps left. */
export function recipeProposal(id: RecipeStepId, c: TrainConfig): Partial<RecipeValues> {
  switch (id) {
    case 'range':
      return { lrMin: c.lrMin, lrMax: c.lrMax };
    case 'batch':
      return { batchSize: c.batchSize };
    case 'momentum':
      return { ...RECIPE_MOMENTUM };
    case 'wd':
      return { wd: c.wd };
    case 'final':
      return {};
  }
}

/** Only the step's own keys, each kept in range. */
function stepValues(id: RecipeStepId, values: Partial<RecipeValues>): Partial<TrainConfig> {
  const info = RECIPE.find((s) => s.id === id)!;
  const out: Partial<Record<keyof RecipeValues, unknown>> = {};
  for (const key of info.keys) {
    const v = values[key];
    if (v === undefined) continue;
    out[key] = typeof v === 'number' ? fit(key, v) : v;
  }
  if (id === 'batch' && typeof out.batchSize === 'number')
    out.batchSize = Math.round(out.batchSize);
  return out as Partial<TrainConfig>;
}

function advance(state: RecipeState, mark: StepStatus): RecipeState {
  const status = state.status.slice();
  status[state.step - 1] = mark;
  return { ...state, status, step: clampStep(state.step + 1) };
}

/**
 * One transition: the next state and the configuration change it implies (always including
 * `recipeStep`, so the URL follows). Pure: the UI applies the patch to its store.
 */
export function recipeReduce(
  state: RecipeState,
  action: RecipeAction,
): { state: RecipeState; patch: Partial<TrainConfig> } {
  let next: RecipeState;
  let patch: Partial<TrainConfig> = {};
  switch (action.type) {
    case 'rangeResult': {
      if (!(action.lrMax > 0) || !Number.isFinite(action.lrMax)) return { state, patch: {} };
      const at = { ...state, step: 1 };
      next = { ...advance(at, 'done'), rangeBatch: action.batchSize };
      patch = recipeBounds(action.lrMax);
      break;
    }
    case 'accept': {
      const id = RECIPE_STEPS[state.step - 1]!;
      patch = stepValues(id, action.values);
      if (id === 'final') patch = { ...patch, schedule: 'onecycle' };
      next = advance(state, 'set');
      break;
    }
    case 'skip':
      next = advance(state, 'skipped');
      break;
    case 'goto':
      next = { ...state, step: clampStep(action.step) };
      break;
    case 'restart':
      next = { step: 1, status: RECIPE_STEPS.map(() => 'todo'), rangeBatch: null };
      break;
  }
  return { state: next, patch: { ...patch, recipeStep: next.step } };
}

/** True once every step is done or skipped. */
export function recipeComplete(state: RecipeState): boolean {
  return state.status.every((s) => s !== 'todo');
}

/** The batch size moved away from the one the LR bounds were measured at: say so. */
export function rangeRerunAdvised(state: RecipeState, c: Pick<TrainConfig, 'batchSize'>): boolean {
  if (state.rangeBatch === null) return false;
  const ratio = c.batchSize / state.rangeBatch;
  return ratio > 2 || ratio < 0.5;
}

/** The final training configuration the recipe hands over: 1cycle, in the Train instrument. */
export function recipeFinalConfig(c: TrainConfig): TrainConfig {
  return { ...c, schedule: 'onecycle', mode: 'train', recipeStep: SCHEMA.recipeStep.default };
}
