import { useId, useMemo, useState } from 'react';
import {
  BEST_RULE,
  sweepVerdict,
  isRangeSweep,
  SWEEP_PRESETS,
  sweepErrors,
  X_AXES,
  type XAxisKind,
} from '../../core/sweep';
import { SelectControl } from '../controls/SelectControl';
import { RunEstimate } from '../speed/RunEstimate';
import { RunPanel } from '../status/RunPanel';
import { DataStatusLine } from '../status/DataStatusLine';
import { isQueueActive } from '../store';
import { useLab } from '../store/hooks';
import { startSweep, sweepTextOf } from './actions';
import { QueueChart } from './QueueChart';
import { ApplyBest, QueueControls, QueueTable, useQueueSeries } from './QueueParts';
import { RangeSweepControls, RangeSweepView } from './RangeSweep';
import { AXIS_TEXT } from './rows';

const HELP: Record<keyof typeof SWEEP_PRESETS, string> = {
  wd: 'Weight decays, e.g. 1e-3, 3e-4, 1e-4. Smith: larger nets and shorter runs want less.',
  mom: 'Momentum: "0.95-0.85" cycles opposite to the LR (max first); "0.9" stays constant.',
  batch: 'Batch sizes, e.g. 64, 128, 256. Compare them against wall-clock time, not iterations.',
  rangeWd:
    'Weight decays, e.g. 1e-3, 1e-4, 1e-5: one LR range test each, over the LR sweep below ' +
    '(Smith, Fig. 4a).',
};

/** Sweeps: short runs that differ in one setting, overlaid, the best by early validation loss. */
export function SweepPanel() {
  const config = useLab((s) => s.config);
  const param = config.sweepParam;
  const text = useLab((s) => sweepTextOf(s, param));
  const setText = useLab((s) => s.setSweepText);
  const active = useLab((s) => isQueueActive(s.queue?.kind === 'sweep' ? s.queue : null));
  const rangeSweep = isRangeSweep(param);
  const [axis, setAxis] = useState<XAxisKind>('steps');
  const { entries, series } = useQueueSeries('sweep', axis);
  const valuesId = useId();

  const errors = useMemo(() => sweepErrors(config, param, text), [config, param, text]);
  const verdict = useMemo(
    () =>
      active ? null : sweepVerdict(entries.map((e) => ({ val: e.val, totalSteps: e.totalSteps }))),
    [entries, active],
  );
  const best = verdict?.best ?? null;

  return (
    <RunPanel className="sweep-panel" titleId="sweep-title" title="Sweeps">
      <p className="range-panel__lede">
        Short runs that differ in one setting only: the same seed gives each the same initial
        weights and data order, so the curves differ only by the value swept. The other settings
        come from the Settings panel.
      </p>
      <form className="range-controls" onSubmit={(e) => e.preventDefault()} aria-label="Sweep">
        <fieldset disabled={active}>
          <legend>What to vary</legend>
          <SelectControl name="sweepParam" disabled={active} />
          <div className="control">
            <div className="control__head">
              <label htmlFor={valuesId} className="control__label">
                Values (comma list)
              </label>
              <button
                type="button"
                className="btn btn--small"
                onClick={() => setText(null)}
                disabled={active}
              >
                Preset
              </button>
            </div>
            <input
              id={valuesId}
              data-testid="sweep.values"
              type="text"
              value={text}
              aria-invalid={errors.length > 0}
              aria-describedby={`${valuesId}-help`}
              onChange={(e) => setText(e.target.value)}
            />
            <p id={`${valuesId}-help`} className="control__hint">
              {HELP[param]}
            </p>
          </div>
          {rangeSweep && <RangeSweepControls disabled={active} />}
        </fieldset>
      </form>
      <QueueControls kind="sweep" startTitle="Run the sweep" onStart={startSweep} errors={errors} />
      <RunEstimate />
      <div className="status" data-testid="status">
        <DataStatusLine />
        <QueueLine entries={entries.length} />
      </div>
      {/* Drawn as what the queue ran, whatever the parameter shows now. */}
      {(entries.length > 0 ? entries.some((e) => e.range) : rangeSweep) ? (
        <RangeSweepView config={config} entries={entries} series={series} active={active} />
      ) : (
        <>
          <div className="axis-switch" role="group" aria-label="X axis">
            {X_AXES.map((a) => (
              <label key={a}>
                <input
                  type="radio"
                  name="sweep-axis"
                  value={a}
                  checked={axis === a}
                  onChange={() => setAxis(a)}
                />{' '}
                {AXIS_TEXT[a]}
              </label>
            ))}
          </div>
          <QueueChart
            series={series}
            metric="loss"
            xLabel={AXIS_TEXT[axis]}
            best={best}
            testId="sweep-chart"
            title="Loss of each run in the sweep"
          />
          <p className="sweep-rule" data-testid="sweep-rule">
            {BEST_RULE}
          </p>
          <QueueTable entries={entries} best={best} early />
          {verdict?.tied && (
            <p className="sweep-tie" data-testid="sweep-tie" role="status">
              Tie: {verdict.tied.map((i) => entries[i]?.label).join(' and ')} reach the same early
              validation loss (within 0.1%), so this sweep does not pick one. Run longer or with
              more images to separate them.
            </p>
          )}
          <ApplyBest entry={best === null ? null : (entries[best] ?? null)} />
        </>
      )}
    </RunPanel>
  );
}

/** "Run 2 of 6" while a queue runs; "Sweep finished" after. */
export function QueueLine({ entries }: { entries: number }) {
  const queue = useLab((s) => s.queue);
  if (!queue || entries === 0) return null;
  const i = Math.min(queue.current, queue.entries.length);
  const text = queue.cancelled
    ? `Stopped after ${i} of ${entries} runs`
    : i >= entries
      ? `All ${entries} runs finished`
      : `Run ${i + 1} of ${entries}: ${queue.entries[i]?.label ?? ''}`;
  return (
    <p className="status__line" data-testid="queue-status">
      {text}
    </p>
  );
}
