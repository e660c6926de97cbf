/**
 * How fast shards arrive from the server on this page, for the estimate's loading time: timed
 * between consecutive progress reports while a dataset's first shards load. Later shards load on
 * demand between training steps, so the time between their reports is not load time; shards read
 * from the browser's cache say nothing about the network.
 */
import { useSyncExternalStore } from 'react';
import type { DatasetName } from '../../core/config';
import { measuredLoadRate, type LoadReport } from '../../core/estimate';
import { labStore } from '../store';

let rate: number | null = null;
const listeners = new Set<() => void>();
const lastReport = new Map<DatasetName, LoadReport>();

function subscribe(onChange: () => void): () => void {
  listeners.add(onChange);
  return () => listeners.delete(onChange);
}

/** Starts timing loads; returns the unsubscribe. */
export function startLoadRateSync(): () => void {
  return labStore.subscribe((s, prev) => {
    if (s.datasets === prev.datasets) return;
    for (const name of Object.keys(s.datasets) as DatasetName[]) {
      const d = s.datasets[name];
      if (!d || d === prev.datasets[name]) continue;
      if (d.phase !== 'loading' || d.source !== 'network') {
        lastReport.delete(name);
        continue;
      }
      const now = { ms: performance.now(), loaded: d.loaded };
      const before = lastReport.get(name);
      lastReport.set(name, now);
      const measured = before ? measuredLoadRate(before, now) : null;
      if (measured === null) continue;
      rate = measured;
      for (const l of listeners) l();
    }
  });
}

/** Bytes per second last measured on this page, or undefined before any network load was timed. */
export function useLoadRate(): number | undefined {
  return useSyncExternalStore(
    subscribe,
    () => rate ?? undefined,
    () => undefined,
  );
}
