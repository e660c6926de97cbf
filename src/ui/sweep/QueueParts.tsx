/** Pieces the sweep and demo panels share: the series hook, the busy check, the run table. */
import { useMemo } from 'react';
import { earlyValLoss, type XAxisKind } from '../../core/sweep';
import { datasetName } from '../controls/fields';
import { isActive, isRangeActive, type QueueEntry } from '../store';
import { useLab } from '../store/hooks';
import type { QueueKind } from '../store/sweep-slice';
import { entryPoints, entrySeries, rangeEntrySeries, type EntrySeries } from './rows';
import { overlayColour } from '../history/colours';

/** This kind's queue entries and their chart series on the chosen axis (the live run included). */
export function useQueueSeries(
  kind: QueueKind,
  axis: XAxisKind,
): { entries: QueueEntry[]; series: EntrySeries[] } {
  const queue = useLab((s) => (s.queue?.kind === kind ? s.queue : null));
  const runId = useLab((s) => s.run?.runId ?? null);
  const train = useLab((s) => s.trainPoints);
  const val = useLab((s) => s.valPoints);
  // Range-test entries (Fig. 4a) follow the range slice, and are drawn against LR.
  const rangeRunId = useLab((s) => s.rangeRun?.runId ?? null);
  const rangeTrain = useLab((s) => s.rangeTrain);
  const rangeVal = useLab((s) => s.rangeVal);
  return useMemo(() => {
    const entries = queue?.entries ?? [];
    const live = { runId, train, val };
    const liveRange = { runId: rangeRunId, train: rangeTrain, val: rangeVal };
    return {
      entries,
      series: entries.map((e) =>
        e.range
          ? rangeEntrySeries(e, entryPoints(e, liveRange))
          : entrySeries(e, entryPoints(e, live), axis),
      ),
    };
  }, [queue, runId, train, val, rangeRunId, rangeTrain, rangeVal, axis]);
}

/** Why Start is off besides the panel's own reasons: data missing, or the worker busy. */
export function useBusyReasons(): string[] {
  const dataset = useLab((s) => s.config.dataset);
  const phase = useLab((s) => s.datasets[s.config.dataset]?.phase ?? null);
  const running = useLab((s) => isActive(s.run));
  const ranging = useLab((s) => isRangeActive(s.rangeRun));
  return useMemo(() => {
    const reasons: string[] = [];
    if (phase === 'missing' || phase === 'error')
      reasons.push(`${datasetName(dataset)} is not loaded: load it on the Train tab first`);
    if (running) reasons.push('a training run is active');
    if (ranging) reasons.push('an LR range test is running');
    return reasons;
  }, [dataset, phase, running, ranging]);
}

const STATE_TEXT: Record<QueueEntry['state'], string> = {
  queued: 'queued',
  starting: 'starting',
  running: 'running',
  paused: 'paused',
  stopped: 'stopped',
  done: 'done',
  diverged: 'diverged',
  failed: 'failed',
};

const fmt = (v: number | null | undefined, digits = 3) =>
  v === null || v === undefined || !Number.isFinite(v)
    ? '—'
    : String(Number(v.toPrecision(digits)));

/** One row per run: state, early and final validation loss, final accuracy; the best marked. */
export function QueueTable({
  entries,
  best,
  early,
}: {
  entries: QueueEntry[];
  best: number | null;
  early: boolean;
}) {
  if (entries.length === 0) return null;
  return (
    <table className="queue-table" data-testid="queue-table">
      <thead>
        <tr>
          <th scope="col">Run</th>
          <th scope="col">State</th>
          {early && <th scope="col">Early val loss</th>}
          <th scope="col">Final val loss</th>
          <th scope="col">Final accuracy</th>
        </tr>
      </thead>
      <tbody>
        {entries.map((e, i) => {
          const last = e.val.at(-1);
          return (
            <tr
              key={i}
              data-testid={`queue-row.${i}`}
              data-state={e.state}
              className={i === best ? 'queue-table__best' : undefined}
            >
              <td>
                <span className="queue-table__swatch" style={{ background: overlayColour(i) }} />
                {e.label}
                {i === best && (
                  <strong data-testid="sweep-best" className="queue-table__mark">
                    {' '}
                    ★ best
                  </strong>
                )}
              </td>
              <td title={e.message}>{STATE_TEXT[e.state]}</td>
              {early && <td>{fmt(earlyValLoss(e.val, e.totalSteps))}</td>}
              <td>{fmt(last?.loss)}</td>
              <td>{last ? `${(last.top1 * 100).toFixed(1)}%` : '—'}</td>
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}
