/**
 * The super-convergence demo (Smith & Topin, Fig. 5a): 1cycle with a large maximum LR against a
 * conventional multistep schedule, same model, data, seed and budget.
 */
import { SCHEMA, type DemoBudget, type TrainConfig } from './config';

export { DEMO_BUDGETS, type DemoBudget } from './config';

/** Images per second assumed before any run has been measured on this machine. */
export const DEFAULT_IMAGES_PER_SEC = 200;

/** Epochs each of the two runs gets: half the budget at the measured throughput, at least one. */
export function demoEpochs(budget: DemoBudget, imagesPerSec: number, trainSize: number): number {
  if (budget === 'tiny') return 1;
  const rate = imagesPerSec > 0 ? imagesPerSec : DEFAULT_IMAGES_PER_SEC;
  const perRunSec = (Number(budget) * 60) / 2;
  const epochs = Math.floor((perRunSec * rate) / Math.max(1, trainSize));
  return Math.min(SCHEMA.epochs.max, Math.max(1, epochs));
}

/** The conventional schedule's LR relative to the 1cycle peak (Smith: 0.35 against 3). */
export const MULTISTEP_SHARE = 0.1;

/** The two runs, in order: 1cycle first, then the multistep baseline. */
export function demoConfigs(
  base: TrainConfig,
  epochs: number,
): { label: string; config: TrainConfig }[] {
  const peak = base.lrMax;
  const flat = Number((peak * MULTISTEP_SHARE).toPrecision(3));
  const lrMin = Number((peak / 10).toPrecision(3));
  return [
    {
      label: `1cycle, LR ${lrMin}–${peak}`,
      config: {
        ...base,
        epochs,
        schedule: 'onecycle',
        lrMax: peak,
        lrMin,
        momSchedule: 'cyclic',
        momMax: 0.95,
        momMin: 0.85,
      },
    },
    {
      label: `Multistep, LR ${flat} ÷10 at 50% and 75%`,
      config: {
        ...base,
        epochs,
        schedule: 'multistep',
        lrMax: flat,
        lrMin: Math.min(base.lrMin, flat),
        dropFactor: 10,
        dropAt1: 50,
        dropAt2: 75,
        momSchedule: 'constant',
        momMax: 0.9,
      },
    },
  ];
}
