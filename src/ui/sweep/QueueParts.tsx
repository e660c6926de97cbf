/**
 * Pieces the sweep and demo panels share: the series hook, the run buttons, the run table, and
 * the button that carries a sweep's best value into the settings.
 */
import { useMemo, type ReactNode } from 'react';
import { earlyValLoss, sweptSetting, type XAxisKind } from '../../core/sweep';
import { RunControls } from '../status/RunControls';
import { useStartReasons } from '../status/start-reasons';
import { isActive, isQueueActive, type QueueEntry } from '../store';
import { useLab } from '../store/hooks';
import type { QueueKind } from '../store/sweep-slice';
import { applySweptSetting, stopQueue, togglePauseQueue } from './actions';
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

/**
 * A queue panel's Start, Pause/Resume and Stop: Pause and Stop act on this kind's queue, Start
 * waits for any queue, and says why it is off (the panel's `errors`, data missing, worker busy).
 */
export function QueueControls({
  kind,
  startLabel,
  startTitle,
  onStart,
  errors,
}: {
  kind: QueueKind;
  startLabel?: string;
  startTitle: string;
  onStart: () => void;
  errors: readonly string[];
}) {
  const active = useLab((s) => isQueueActive(s.queue?.kind === kind ? s.queue : null));
  const anyQueue = useLab((s) => isQueueActive(s.queue));
  const paused = useLab((s) => active && s.queue?.entries[s.queue.current]?.state === 'paused');
  const blocked = useStartReasons(errors, 'load it on the Train tab first', {
    training: true,
    ranging: true,
  });
  const actions = useMemo(
    () => ({ start: onStart, pause: togglePauseQueue, stop: stopQueue }),
    [onStart],
  );
  return (
    <RunControls
      startLabel={startLabel}
      startTitle={startTitle}
      busyTitle="A queue is running"
      actions={actions}
      run={{ active, paused }}
      busy={anyQueue}
      blocked={blocked}
    />
  );
}

const fmt = (v: number | null | undefined, digits = 3) =>
  v === null || v === undefined || !Number.isFinite(v)
    ? '—'
    : String(Number(v.toPrecision(digits)));

/** A column after the run and state ones: its heading and each entry's cell. */
export interface EntryColumn {
  head: string;
  cell: (e: QueueEntry) => ReactNode;
}

/**
 * The sweep tables' shared frame: one row per queue entry (swatch, label, ★ on the best, state)
 * and the caller's columns after them.
 */
export function EntryTable({
  first,
  entries,
  best,
  columns,
}: {
  first: string;
  entries: QueueEntry[];
  best: number | null;
  columns: EntryColumn[];
}) {
  if (entries.length === 0) return null;
  return (
    <table className="queue-table" data-testid="queue-table">
      <thead>
        <tr>
          <th scope="col">{first}</th>
          <th scope="col">State</th>
          {columns.map((c) => (
            <th key={c.head} scope="col">
              {c.head}
            </th>
          ))}
        </tr>
      </thead>
      <tbody>
        {entries.map((e, i) => (
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
            <td title={e.message}>{e.state}</td>
            {columns.map((c) => (
              <td key={c.head}>{c.cell(e)}</td>
            ))}
          </tr>
        ))}
      </tbody>
    </table>
  );
}

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
  const columns: EntryColumn[] = [
    ...(early
      ? [
          {
            head: 'Early val loss',
            cell: (e: QueueEntry) => fmt(earlyValLoss(e.val, e.totalSteps)),
          },
        ]
      : []),
    { head: 'Final val loss', cell: (e) => fmt(e.val.at(-1)?.loss) },
    {
      head: 'Final accuracy',
      cell: (e) => {
        const last = e.val.at(-1);
        return last ? `${(last.top1 * 100).toFixed(1)}%` : '—';
      },
    },
  ];
  return <EntryTable first="Run" entries={entries} best={best} columns={columns} />;
}

/**
 * "Use weight decay 1e-4": sets the best run's swept value in the settings (and so the link),
 * as the range test's "Apply to training" does for the LR. Nothing before a best is known.
 */
export function ApplyBest({ entry }: { entry: QueueEntry | null }) {
  const config = useLab((s) => s.config);
  const locked = useLab((s) => isActive(s.run) || isActive(s.rangeRun));
  if (!entry) return null;
  const { text, patch } = sweptSetting(entry.config);
  const inUse = Object.entries(patch).every(([k, v]) => config[k as keyof typeof config] === v);
  return (
    <div className="sweep-apply">
      <button
        type="button"
        className="btn btn--primary"
        data-testid="sweep-apply-best"
        onClick={() => applySweptSetting(patch)}
        disabled={locked}
        title={`Set ${text} in the settings (the other settings stay as they are)`}
      >
        Use {text}
      </button>
      <span className="sweep-apply__note" role="status">
        {inUse ? `The settings use ${text}.` : ''}
      </span>
    </div>
  );
}
