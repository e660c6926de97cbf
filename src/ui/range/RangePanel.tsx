import { useMemo } from 'react';
import { analyzeRange, rangeConfigErrors, rangeSpecOf } from '../../core/range-test';
import type { TrainConfig } from '../../core/config';
import { NumberControl } from '../controls/NumberControl';
import { SelectControl } from '../controls/SelectControl';
import { datasetName } from '../controls/fields';
import { formatCount } from '../format';
import { BackendBadge } from '../status/BackendBadge';
import { DataPanel } from '../status/DataPanel';
import { DataStatusLine } from '../status/DataStatusLine';
import { isActive, isRangeActive, type RangeRun } from '../store';
import { useLab } from '../store/hooks';
import { startRangeTest, stopRangeTest, togglePauseRange } from './actions';
import { RangeChart } from './RangeChart';
import { RangeSuggestions } from './RangeSuggestions';
import { formatLr } from './rows';

/** The LR range test instrument: sweep settings, Start/Stop, the curve and the bounds it gives. */
export function RangePanel() {
  const config = useLab((s) => s.config);
  const run = useLab((s) => s.rangeRun);
  const train = useLab((s) => s.rangeTrain);
  const val = useLab((s) => s.rangeVal);
  const trainingBusy = useLab((s) => isActive(s.run));
  const dataPhase = useLab((s) => s.datasets[s.config.dataset]?.phase ?? null);
  const workerError = useLab((s) => s.workerError);
  const dismiss = useLab((s) => s.setWorkerError);
  const active = isRangeActive(run);

  const errors = useMemo(() => crossErrors(config), [config]);
  const blocked = useMemo(() => {
    const reasons = rangeConfigErrors(config).map((e) => e.message);
    if (dataPhase === 'missing' || dataPhase === 'error')
      reasons.push(`${datasetName(config.dataset)} is not loaded: load it below first`);
    if (trainingBusy) reasons.push('a training run is active');
    return reasons;
  }, [config, dataPhase, trainingBusy]);
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
    <section className="panel range-panel" aria-labelledby="range-title">
      <div className="status-panel__top">
        <h2 id="range-title">LR range test</h2>
        <BackendBadge />
      </div>
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
      <div className="run-buttons">
        <button
          type="button"
          className="btn btn--primary"
          onClick={startRangeTest}
          disabled={active || blocked.length > 0}
          title={active ? 'A range test is running' : blocked.join('; ') || 'Start the sweep'}
        >
          Start
        </button>
        <button type="button" className="btn" onClick={togglePauseRange} disabled={!active}>
          {run?.state === 'paused' ? 'Resume' : 'Pause'}
        </button>
        <button
          type="button"
          className="btn btn--danger"
          onClick={stopRangeTest}
          disabled={!active || (run?.stopRequested ?? false)}
        >
          Stop
        </button>
        {!active && blocked.length > 0 && (
          <p className="run-buttons__reason" role="alert">
            Can’t start: {blocked.join('; ')}.
          </p>
        )}
      </div>
      <div className="status" data-testid="status">
        <DataStatusLine />
        <RangeStatus run={run} lastLr={train.at(-1)?.lr ?? null} />
      </div>
      {workerError && (
        <div className="banner banner--error" role="alert">
          <span>{workerError}</span>
          <button type="button" className="btn btn--small" onClick={() => dismiss(null)}>
            Dismiss
          </button>
        </div>
      )}
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
    </section>
  );
}

function RangeStatus({ run, lastLr }: { run: RangeRun | null; lastLr: number | null }) {
  if (!run) return <p className="run-line run-line--idle">No range test yet: press Start.</p>;
  const p = run.progress;
  const stopping = run.stopRequested && isRangeActive(run);
  const state = stopping ? 'stopping…' : run.state === 'starting' ? 'starting…' : run.state;
  return (
    <div className="run-line">
      <dl className="stats">
        <div>
          <dt>State</dt>
          <dd>
            <span role="status" className={`state state--${run.state}`}>
              {state}
            </span>
          </dd>
        </div>
        <div>
          <dt>Step</dt>
          <dd>{p ? `${formatCount(p.step)} / ${formatCount(p.totalSteps)}` : '—'}</dd>
        </div>
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
