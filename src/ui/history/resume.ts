/** Resuming a saved run from its checkpoint: its curves back in the chart, the worker told. */
import { toWorkerConfig } from '../../core/config-travel';
import type { RunCurves } from '../../core/run-record';
import { isActive, labStore } from '../store';
import { send } from '../worker-client';
import { historyDb } from './actions';

/** Asks the worker which runs have a checkpoint (the answer fills the store's list). */
export function listCheckpoints(): void {
  send({ type: 'listCheckpoints' });
}

/** Statuses from which a run with a checkpoint can go on. */
const RESUMABLE = ['interrupted', 'failed', 'stopped'];

export function canResume(runId: string): boolean {
  const s = labStore.getState();
  const record = s.historyRuns.find((r) => r.id === runId);
  return (
    record !== undefined &&
    RESUMABLE.includes(record.status) &&
    s.checkpoints[runId] !== undefined &&
    !isActive(s.run) &&
    !isActive(s.rangeRun)
  );
}

export async function resumeRun(runId: string): Promise<void> {
  if (!canResume(runId)) return;
  const s = labStore.getState();
  const record = s.historyRuns.find((r) => r.id === runId)!;
  let curves: RunCurves = { train: [], val: [] };
  try {
    curves = (await historyDb()?.curves(runId)) ?? curves;
  } catch (e) {
    s.setHistoryError(`Run history: ${e instanceof Error ? e.message : String(e)}`);
  }
  s.setWorkerError(null);
  s.beginResume(runId, record.config, curves);
  send({ type: 'start', runId, config: toWorkerConfig(record.config), resume: true });
}
