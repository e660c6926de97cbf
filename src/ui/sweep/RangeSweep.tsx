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
import { overlayColour } from '../history/colours';
import { formatLr } from '../range/rows';
import type { QueueEntry } from '../store';
import { QueueChart } from './QueueChart';
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
      <RangeQueueTable entries={entries} best={best} />
    </>
  );
}

/** One row per range test: state, lowest validation loss and its LR, where it diverged. */
function RangeQueueTable({ entries, best }: { entries: QueueEntry[]; best: number | null }) {
  if (entries.length === 0) return null;
  return (
    <table className="queue-table" data-testid="queue-table">
      <thead>
        <tr>
          <th scope="col">Range test</th>
          <th scope="col">State</th>
          <th scope="col">Lowest val loss</th>
          <th scope="col">at LR</th>
          <th scope="col">Diverged at LR</th>
        </tr>
      </thead>
      <tbody>
        {entries.map((e, i) => {
          const low = rangeLowest({ val: e.val, divergedAt: e.divergedAt });
          const ended = e.state !== 'queued' && e.val.length > 0;
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
              <td title={e.message}>{e.state}</td>
              <td>{low ? fmt(low.loss) : '—'}</td>
              <td>{low ? formatLr(low.lr) : '—'}</td>
              <td>
                {e.divergedAt !== null ? formatLr(e.divergedAt) : ended ? 'did not diverge' : '—'}
              </td>
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}
