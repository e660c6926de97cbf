/**
 * Runs a queue (a sweep or the demo) one entry after the other through the worker's ordinary
 * `start` command (or `rangeTest` for Smith's Fig. 4a sweep), following the run slice (or the
 * range slice) to know when each entry ends.
 */
import type { TrainConfig } from '../../core/config';
import { toWorkerConfig } from '../../core/config-travel';
import { demoConfigs, demoEpochs } from '../../core/demo';
import { rangeSpecOf } from '../../core/range-test';
import { isEndedState } from '../../core/run';
import {
  applySweepValue,
  isRangeSweep,
  parseSweepValues,
  SWEEP_PRESETS,
  sweepEvalsPerEpoch,
  sweepLabel,
  type SweepParam,
} from '../../core/sweep';
import { stopRun, togglePause } from '../actions';
import { stopRangeTest } from '../range/actions';
import { labStore, newRunId, type LabState } from '../store';
import type { QueueEntry, QueueItem, QueueKind } from '../store/sweep-slice';
import { send } from '../worker-client';

let following = false;
/** performance.now() when the current entry was sent. */
let startedAt = 0;

/** The values the sweep panel runs: what the user typed, or the parameter's preset. */
export function sweepTextOf(s: Pick<LabState, 'sweepText'>, param: SweepParam): string {
  return s.sweepText ?? SWEEP_PRESETS[param];
}

export function startSweep(): void {
  const items = sweepItems(labStore.getState());
  if (items.length > 0) startQueue('sweep', items);
}

/** The runs the sweep panel's Start would queue now (none while its values do not parse). */
export function sweepItems(s: Pick<LabState, 'config' | 'sweepText'>): QueueItem[] {
  const param = s.config.sweepParam;
  const { values } = parseSweepValues(param, sweepTextOf(s, param));
  // Fig. 4a: every value gets the same LR sweep, read from the range-test settings.
  const range = isRangeSweep(param) ? rangeSpecOf(s.config) : undefined;
  return values.map((v) => ({
    label: sweepLabel(v),
    config: applySweepValue(s.config, v),
    ...(range ? { range } : {}),
  }));
}

/** Carries a sweep's best value (core/sweep's sweptSetting patch) into the settings. */
export function applySweptSetting(patch: Partial<TrainConfig>): void {
  labStore.getState().patchConfig(patch);
}

/** Images per second to size the demo: the newest saved run of this model and data, if any. */
export function measuredImagesPerSec(s: LabState): number {
  const c = s.config;
  const same = s.historyRuns.find(
    (r) => r.imagesPerSec > 0 && r.config.model === c.model && r.config.dataset === c.dataset,
  );
  return same?.imagesPerSec ?? s.run?.progress?.imagesPerSec ?? 0;
}

export function demoEpochsNow(s: LabState): number {
  return demoEpochs(s.config.demoBudget, measuredImagesPerSec(s), s.config.trainSize);
}

export function startDemo(): void {
  const s = labStore.getState();
  startQueue('demo', demoConfigs(s.config, demoEpochsNow(s)));
}

export function stopQueue(): void {
  const s = labStore.getState();
  const entry = s.queue?.entries[s.queue.current];
  s.cancelQueue();
  if (entry?.range) stopRangeTest();
  else stopRun();
}

/** Pause or resume the queue's running entry (a run or a range test: the worker pauses either). */
export function togglePauseQueue(): void {
  const s = labStore.getState();
  const entry = s.queue?.entries[s.queue.current];
  if (!entry?.range) return togglePause();
  send({ type: s.rangeRun?.state === 'paused' ? 'resume' : 'pause' });
}

function startQueue(kind: QueueKind, entries: QueueItem[]): void {
  follow();
  const s = labStore.getState();
  s.setWorkerError(null);
  s.beginQueue(kind, entries);
  startEntry(0);
}

function startEntry(index: number): void {
  const s = labStore.getState();
  const entry = s.queue?.entries[index];
  if (!entry) return;
  const runId = newRunId('queue');
  s.setQueueCurrent(index);
  s.patchEntry(index, { runId, state: 'starting' });
  startedAt = performance.now();
  if (entry.range) {
    s.beginRange(runId, entry.config, entry.range);
    send({ type: 'rangeTest', runId, config: toWorkerConfig(entry.config), range: entry.range });
    return;
  }
  s.beginRun(runId, entry.config);
  // Short runs evaluate several times, so "best by early validation loss" has points to read.
  const evalsPerEpoch = s.queue?.kind === 'sweep' ? sweepEvalsPerEpoch(entry.config.epochs) : 1;
  send({ type: 'start', runId, config: toWorkerConfig(entry.config), evalsPerEpoch });
}

/** The live run an entry follows: the training run, or the range test for a range entry. */
function liveOf(s: LabState, entry: QueueEntry) {
  return entry.range
    ? { run: s.rangeRun, train: s.rangeTrain, val: s.rangeVal }
    : { run: s.run, train: s.trainPoints, val: s.valPoints };
}

/** Subscribes once: copies the live run's progress into its entry and starts the next one. */
function follow(): void {
  if (following) return;
  following = true;
  labStore.subscribe((s, prev) => {
    const q = s.queue;
    if (!q || q.current >= q.entries.length) return;
    const i = q.current;
    const entry = q.entries[i]!;
    const live = liveOf(s, entry);
    const before = liveOf(prev, entry);
    const run = live.run;
    if (!run || entry.runId !== run.runId || isEndedState(entry.state)) return;
    // One patch per store change: a nested call then sees this entry's new state.
    const patch: Partial<QueueEntry> = {};
    const last = live.train.at(-1);
    if (live.train !== before.train && last)
      patch.clock = [
        ...entry.clock,
        { step: last.step, sec: (performance.now() - startedAt) / 1000 },
      ];
    if (run.progress && run.progress !== before.run?.progress) {
      patch.totalSteps = run.progress.totalSteps;
      patch.stepsPerEpoch = run.progress.totalSteps / Math.max(1, run.progress.epochs);
      patch.imagesPerSec = run.progress.imagesPerSec || entry.imagesPerSec;
    }
    if (run.state !== entry.state) patch.state = run.state;
    const ended = isEndedState(run.state);
    if (ended) {
      Object.assign(patch, { message: run.message, train: live.train, val: live.val });
      if (entry.range && s.rangeRun) patch.divergedAt = s.rangeRun.divergedAt;
    }
    if (Object.keys(patch).length > 0) s.patchEntry(i, patch);
    if (!ended) return;
    // Stop (here or on the Train tab) or a crash ends the queue; a diverged value is a result.
    const next = i + 1;
    if (q.cancelled || run.state === 'stopped' || run.state === 'failed') {
      s.cancelQueue();
    } else if (next < q.entries.length) {
      queueMicrotask(() => startEntry(next));
    } else {
      s.setQueueCurrent(next);
    }
  });
}
