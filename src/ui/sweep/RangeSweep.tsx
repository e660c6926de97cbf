/**
 * Smith's Fig. 4a as an instrument: one LR range test per weight decay (same seed, initial
 * weights and data order), their loss and accuracy overlaid against LR, the best marked.
 */
import { useMemo } from 'react';
import type { TrainConfig } from '../../core/config';
import { rangeSpecOf, type RangeSpec } from '../../core/range-test';
import { bestRangeIndex, RANGE_BEST_RULE, rangeLowest } from '../../core/sweep';
import { NumberControl } from '../controls/NumberControl';
import { SelectControl } from '../controls/SelectControl';
import { formatLr } from '../range/rows';
import type { QueueEntry } from '../store';
import { QueueChart } from './QueueChart';
import { ApplyBest, EntryTable, type EntryColumn } from './QueueParts';
import type { EntrySeries } from './rows';

/** The LR sweep every test of the queue shares (the range tab's settings). */
export function RangeSweepControls({ disabled }: { disabled: boolean }) {
  return (
    <>
      <SelectControl name="rangeMode" disabled={disabled} />
      <NumberControl name="rangeStart" disabled={disabled} />
      <NumberControl name="rangeEnd" disabled={disabled} />
      <NumberControl name="rangeSteps" disabled={disabled} />
    </>
  );
}

const fmt = (v: number) => String(Number(v.toPrecision(3)));

export function RangeSweepView({
  config,
  entries,
  series,
  active,
}: {
  config: TrainConfig;
  entries: QueueEntry[];
  series: EntrySeries[];
  active: boolean;
}) {
  const spec: RangeSpec = entries[0]?.range ?? rangeSpecOf(config);
  const curves = useMemo(
    () => entries.map((e) => ({ val: e.val, divergedAt: e.divergedAt })),
    [entries],
  );
  const best = useMemo(() => (active ? null : bestRangeIndex(curves)), [curves, active]);
  const low = best === null ? null : rangeLowest(curves[best]!);
  const marker =
    best !== null && low
      ? {
          x: low.lr,
          y: low.loss,
          label: `${entries[best]!.label}: lowest validation loss ${fmt(low.loss)} at LR ${formatLr(low.lr)}`,
        }
      : undefined;
  const logX = { lo: spec.start, hi: spec.end };

  return (
    <>
      <QueueChart
        series={series}
        metric="loss"
        xLabel="Learning rate (log scale)"
        best={best}
        testId="sweep-chart"
        title="Loss against LR of each range test"
        logX={logX}
        marker={marker}
      />
      <QueueChart
        series={series}
        metric="top1"
        xLabel="Learning rate (log scale)"
        best={best}
        testId="sweep-accuracy"
        title="Validation accuracy against LR of each range test"
        logX={logX}
      />
      <p className="sweep-rule" data-testid="sweep-rule">
        {RANGE_BEST_RULE}
      </p>
      <EntryTable first="Range test" entries={entries} best={best} columns={RANGE_COLUMNS} />
      <ApplyBest entry={best === null ? null : (entries[best] ?? null)} />
    </>
  );
}

/** One row per range test: state, lowest validation loss and its LR, where it diverged. */
const RANGE_COLUMNS: EntryColumn[] = [
  { head: 'Lowest val loss', cell: (e) => lowestOf(e, (l) => fmt(l.loss)) },
  { head: 'at LR', cell: (e) => lowestOf(e, (l) => formatLr(l.lr)) },
  {
    head: 'Diverged at LR',
    cell: (e) =>
      e.divergedAt !== null
        ? formatLr(e.divergedAt)
        : e.state !== 'queued' && e.val.length > 0
          ? 'did not diverge'
          : '—',
  },
];

function lowestOf(e: QueueEntry, show: (low: { loss: number; lr: number }) => string): string {
  const low = rangeLowest({ val: e.val, divergedAt: e.divergedAt });
  return low ? show(low) : '—';
}
