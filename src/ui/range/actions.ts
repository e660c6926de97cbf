/** What the range test's buttons do: store changes paired with the worker commands they imply. */
import { SCHEMA, type TrainConfig } from '../../core/config';
import { toWorkerConfig } from '../../core/config-travel';
import { cyclicalBounds, oneCycleBounds, rangeSpecOf } from '../../core/range-test';
import { labStore, newRunId } from '../store';
import { send } from '../worker-client';

export function startRangeTest(): void {
  const s = labStore.getState();
  const runId = newRunId('range');
  const range = rangeSpecOf(s.config);
  s.setWorkerError(null);
  s.beginRange(runId, s.config, range);
  send({ type: 'rangeTest', runId, config: toWorkerConfig(s.config), range });
}

/** The worker pauses a range test between iterations, as it does a training run. */
export function togglePauseRange(): void {
  const run = labStore.getState().rangeRun;
  send({ type: run?.state === 'paused' ? 'resume' : 'pause' });
}

export function stopRangeTest(): void {
  labStore.getState().requestRangeStop();
  send({ type: 'stop' });
}

/** An LR as the page shows and applies it: 3 significant digits. */
export function roundLr(lr: number): number {
  return Number(lr.toPrecision(3));
}

/**
 * The bounds a suggested maximum gives: ÷ 4 for a cyclical schedule, ÷ 10 for 1cycle (and the
 * others), each rounded and kept inside its control's range.
 */
export function boundsFor(config: TrainConfig, lrMax: number): { lrMin: number; lrMax: number } {
  const b = config.schedule.startsWith('clr-') ? cyclicalBounds(lrMax) : oneCycleBounds(lrMax);
  const fit = (key: 'lrMin' | 'lrMax', v: number) =>
    Math.min(SCHEMA[key].max, Math.max(SCHEMA[key].min, roundLr(v)));
  return { lrMin: fit('lrMin', b.lrMin), lrMax: fit('lrMax', b.lrMax) };
}

/** Sets LR max (and LR min by the schedule's rule) and goes back to training: one URL update. */
export function applyToTraining(lrMax: number): void {
  const s = labStore.getState();
  s.patchConfig({ ...boundsFor(s.config, lrMax), mode: 'train' });
}

export function setMode(mode: TrainConfig['mode']): void {
  labStore.getState().setField('mode', mode);
}
