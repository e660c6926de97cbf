import { useMemo } from 'react';
import { analyzeRange, rangeConfigErrors, rangeSpecOf } from '../../core/range-test';
import type { TrainConfig } from '../../core/config';
import { NumberControl } from '../controls/NumberControl';
import { SelectControl } from '../controls/SelectControl';
import { DataPanel } from '../status/DataPanel';
import { DataStatusLine } from '../status/DataStatusLine';
import { RunControls } from '../status/RunControls';
import { RunPanel, WorkerErrorBanner } from '../status/RunPanel';
import { StateCell, StepCell } from '../status/RunStatus';
import { RunEstimate } from '../speed/RunEstimate';
import { useStartReasons } from '../status/start-reasons';
import { isActive, type RangeRun } from '../store';
import { useLab } from '../store/hooks';
import { startRangeTest, stopRangeTest, togglePauseRange } from './actions';
import { RangeChart } from './RangeChart';
import { RangeSuggestions } from './RangeSuggestions';
import { formatLr } from './rows';

const ACTIONS = { start: startRangeTest, pause: togglePauseRange, stop: stopRangeTest };

/** The LR range test instrument: sweep settings, Start/Stop, the curve and the bounds it gives. */
export function RangePanel() {
  const config = useLab((s) => s.config);
  const run = useLab((s) => s.rangeRun);
  const train = useLab((s) => s.rangeTrain);
  const val = useLab((s) => s.rangeVal);
  const active = isActive(run);

  const errors = useMemo(() => crossErrors(config), [config]);
  const blocked = useStartReasons(
    useMemo(() => rangeConfigErrors(config).map((e) => e.message), [config]),
    'load it below first',
    { training: true },
  );
  const analysis = useMemo(
    () =>
      analyzeRange(
        train,
        val.flatMap((v) => (v.lr === undefined ? [] : [{ lr: v.lr, loss: v.loss, top1: v.top1 }])),
      ),
    [train, val],
  );
  const spec = run?.spec ?? rangeSpecOf(config);
  const divergedAt = run?.divergedAt ?? analysis.divergedLr;
  const finished = run !== null && !active && run.state !== 'failed';

  return (
    <RunPanel className="range-panel" titleId="range-title" title="LR range test">
      <p className="range-panel__lede">
        Train a fresh copy of the model for a few iterations while the learning rate grows from the
        start to the end value; the loss and validation accuracy against the LR show how large the
        LR can be before training breaks down. The model, data, batch size, weight decay and seed
        come from the settings; momentum stays at momentum max.
      </p>
      <form className="range-controls" onSubmit={(e) => e.preventDefault()} aria-label="Sweep">
        <fieldset disabled={active}>
          <legend>Sweep</legend>
          <SelectControl name="rangeMode" disabled={active} />
          <NumberControl name="rangeStart" disabled={active} crossError={errors.rangeStart} />
          <NumberControl name="rangeEnd" disabled={active} />
          <NumberControl name="rangeSteps" disabled={active} crossError={errors.rangeSteps} />
        </fieldset>
      </form>
      <RunControls
        startTitle="Start the sweep"
        busyTitle="A range test is running"
        actions={ACTIONS}
        run={{ active, paused: run?.state === 'paused', stopping: run?.stopRequested ?? false }}
        blocked={blocked}
      />
      <RunEstimate />
      <div className="status" data-testid="status">
        <DataStatusLine />
        <RangeStatus run={run} lastLr={train.at(-1)?.lr ?? null} />
      </div>
      <WorkerErrorBanner />
      <div className="range-view">
        <RangeChart
          lo={spec.start}
          hi={spec.end}
          suggestions={analysis.suggestions}
          divergedAt={divergedAt}
        />
        {finished && <RangeSuggestions analysis={analysis} config={config} />}
        {active && <p className="range-note">The suggested bounds appear when the sweep ends.</p>}
      </div>
      <DataPanel />
    </RunPanel>
  );
}

function RangeStatus({ run, lastLr }: { run: RangeRun | null; lastLr: number | null }) {
  if (!run) return <p className="run-line run-line--idle">No range test yet: press Start.</p>;
  return (
    <div className="run-line">
      <dl className="stats">
        <StateCell run={run} />
        <StepCell progress={run.progress} />
        <div>
          <dt>LR</dt>
          <dd>{lastLr === null ? '—' : formatLr(lastLr)}</dd>
        </div>
      </dl>
      {run.divergedAt !== null && (
        // The normal end of a range test, not an error: a result, in the page's neutral colour.
        <p className="range-result" data-testid="range-result" role="status">
          Range test finished: the loss diverged at LR {formatLr(run.divergedAt)} (step{' '}
          {run.divergedStep}), which is how a sweep is meant to end. Read the result below.
        </p>
      )}
      {run.state === 'failed' && run.message && (
        <p className="run-line__message" role="alert">
          failed: {run.message}
        </p>
      )}
    </div>
  );
}

function crossErrors(config: TrainConfig): Partial<Record<keyof TrainConfig, string>> {
  const out: Partial<Record<keyof TrainConfig, string>> = {};
  for (const e of rangeConfigErrors(config)) out[e.key] = e.message;
  return out;
}
