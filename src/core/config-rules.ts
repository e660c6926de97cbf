/**
 * Rules over a whole configuration: how long its run is, which settings its schedule reads, and the
 * cross-field checks that single-field ranges (config.ts's schema) cannot express.
 */
import { formatValue, SCHEMA, type EngineConfig } from './config';
import { runLength } from './run-length';

/**
 * Iterations per epoch and in the whole run, as the engine counts them (run-length.ts: partial
 * batches dropped), before the dataset caps `trainSize`.
 */
export function runSteps(c: EngineConfig): { stepsPerEpoch: number; totalSteps: number } {
  return runLength(c, Infinity);
}

/** The cyclical-LR half cycle in iterations: at least one. */
export function clrStepIterations(c: EngineConfig, stepsPerEpoch: number): number {
  return Math.max(1, Math.round(c.stepSize * stepsPerEpoch));
}

/** Which settings the chosen schedule reads, so the form shows only those and checks only those. */
export function scheduleUses(c: Pick<EngineConfig, 'schedule' | 'momSchedule'>) {
  const flat = c.schedule === 'constant' || c.schedule === 'multistep';
  const clr = c.schedule.startsWith('clr-');
  return {
    lrMin: !flat,
    momSchedule: !flat,
    momMin: !flat && c.momSchedule === 'cyclic',
    stepSize: clr,
    clrGamma: c.schedule === 'clr-exp-range',
    oneCycleCos: c.schedule === 'onecycle-cos',
    multistep: c.schedule === 'multistep',
  };
}

/** Cross-field rules that single-field ranges cannot express. Returns errors that block Start. */
export function validateConfig(c: EngineConfig): { key: keyof EngineConfig; message: string }[] {
  const errors: { key: keyof EngineConfig; message: string }[] = [];
  const uses = scheduleUses(c);
  if (!(c.lrMax > 0)) errors.push({ key: 'lrMax', message: 'LR max must be positive' });
  if (uses.lrMin && !(c.lrMin > 0))
    errors.push({ key: 'lrMin', message: 'LR min must be positive' });
  else if (uses.lrMin && c.lrMin > c.lrMax)
    errors.push({ key: 'lrMin', message: 'LR min must not exceed LR max' });
  for (const key of uses.momMin ? (['momMax', 'momMin'] as const) : (['momMax'] as const)) {
    if (!(c[key] >= 0 && c[key] < 1))
      errors.push({ key, message: `${SCHEMA[key].label} must be at least 0 and below 1` });
  }
  if (uses.momMin && c.momMin > c.momMax)
    errors.push({ key: 'momMin', message: 'Momentum min must not exceed momentum max' });
  const { stepsPerEpoch, totalSteps } = runSteps(c);
  if (uses.stepSize && stepsPerEpoch > 0 && clrStepIterations(c, stepsPerEpoch) > totalSteps) {
    errors.push({
      key: 'stepSize',
      message: `Step size (${formatValue(c.stepSize)} epochs) is longer than the run (${c.epochs} epochs)`,
    });
  }
  if (c.schedule === 'onecycle-cos' && c.threePhase === 'on' && c.pctStart >= 0.5) {
    errors.push({
      key: 'pctStart',
      message: 'With three phases the rising share must be below 0.5: the fall mirrors the rise',
    });
  }
  if (c.batchSize > c.trainSize)
    errors.push({ key: 'batchSize', message: 'Batch size exceeds the training images' });
  return errors;
}
