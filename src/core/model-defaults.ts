/**
 * Settings that depend on the model: Smith's shallow net diverges at the ResNets' LR bounds
 * (0.08–0.8 reaches a loss of 400,000 by step 4), so changing the model brings its own bounds and
 * weight decay, except where the link set them.
 */
import type { ModelName, TrainConfig } from './config';

/** The keys a model change may rewrite. */
export const MODEL_DEFAULT_KEYS = ['lrMin', 'lrMax', 'wd'] as const;
export type ModelDefaultKey = (typeof MODEL_DEFAULT_KEYS)[number];
export type ModelDefaults = Pick<TrainConfig, ModelDefaultKey>;

/**
 * ResNets: the lab's 1cycle bounds for CIFAR ResNets (a decade below Smith & Topin's LR max of
 * about 1). Shallow net: the range and weight decay its tiny e2e runs converge with.
 */
const RESNET: ModelDefaults = { lrMin: 0.08, lrMax: 0.8, wd: 1e-4 };
export const MODEL_DEFAULTS: Readonly<Record<ModelName, ModelDefaults>> = {
  resnet20: RESNET,
  resnet32: RESNET,
  resnet44: RESNET,
  resnet56: RESNET,
  resnet110: RESNET,
  shallow3: { lrMin: 0.005, lrMax: 0.05, wd: 5e-4 },
};

/**
 * The config after the model becomes `model`: its LR bounds and weight decay replace the old
 * ones unless `pinned` (keys the link set) names them. Returns the keys changed, for a notice.
 */
export function withModelDefaults(
  config: TrainConfig,
  model: ModelName,
  pinned: readonly string[] = [],
): { config: TrainConfig; changed: ModelDefaultKey[] } {
  const defaults = MODEL_DEFAULTS[model];
  const next: TrainConfig = { ...config, model };
  const changed: ModelDefaultKey[] = [];
  for (const key of MODEL_DEFAULT_KEYS) {
    if (pinned.includes(key) || next[key] === defaults[key]) continue;
    next[key] = defaults[key];
    changed.push(key);
  }
  return { config: next, changed };
}

/**
 * What to do after a run diverged at `lr`: a range test finds the usable bounds; without one,
 * a third of the diverging LR is a cautious next maximum.
 */
export function divergenceAdvice(lr: number | null, lrMax: number): string {
  const at = lr ?? lrMax;
  const below = Number((at / 3).toPrecision(2));
  const where = lr != null ? `at LR ${Number(lr.toPrecision(3))}` : '';
  return (
    `The loss diverged ${where}`.trimEnd() +
    `. Next: run the LR range test (Range test tab) to find this model's bounds, ` +
    `or set LR max below ${below} and start again.`
  );
}

/** The LR a divergence message names ("… (LR 0.512)"), if any. */
export function lrFromMessage(message: string | undefined): number | null {
  const m = /\bLR ([0-9.eE+-]+)/.exec(message ?? '');
  const v = m ? Number(m[1]) : NaN;
  return Number.isFinite(v) && v > 0 ? v : null;
}
