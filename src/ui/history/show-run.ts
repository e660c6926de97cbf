/**
 * Shows a saved run on the charts as a finished result: loss and accuracy curves, diagnosis
 * regions, the per-epoch table and Share result, as for a shared link. Imported runs (a PyTorch
 * log, another lab's export) have no other way to reach those views.
 */
import type { RunState } from '../../core/run';
import { isActive, labStore } from '../store';
import { encodeShared } from '../share/share';
import { historyDb } from './actions';

/** False while a training run or a range test is going: showing a result would replace it. */
export function canShow(): boolean {
  const s = labStore.getState();
  return !isActive(s.run) && !isActive(s.rangeRun);
}

export async function showRun(id: string): Promise<void> {
  const s = labStore.getState();
  const record = s.historyRuns.find((r) => r.id === id);
  const db = historyDb();
  if (!record || !db || !canShow()) return;
  try {
    const curves = await db.curves(id);
    // A shared result is finished: a run that died with the page shows as stopped.
    const state: RunState = record.status === 'interrupted' ? 'stopped' : record.status;
    const run = {
      config: record.config,
      name: record.name,
      state,
      backend: record.backend,
      imagesPerSec: record.imagesPerSec,
      durationSec: record.durationSec,
      totalSteps: record.totalSteps,
      createdAt: record.createdAt,
      ...curves,
    };
    labStore.getState().showShared(run, await encodeShared(run));
  } catch (e) {
    labStore
      .getState()
      .setHistoryError(`Run history: ${e instanceof Error ? e.message : String(e)}`);
  }
}
