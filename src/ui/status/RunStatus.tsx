import { formatLeft } from '../../core/estimate';
import { divergenceAdvice, lrFromMessage } from '../../core/model-defaults';
import type { Progress, RunState } from '../../core/run';
import { formatCount, formatRate } from '../format';
import { isActive, type LiveRun } from '../store';
import { useLab } from '../store/hooks';

const STATE_TEXT: Record<RunState, string> = {
  starting: 'starting…',
  running: 'running',
  paused: 'paused',
  stopped: 'stopped',
  done: 'done',
  diverged: 'diverged',
  failed: 'failed',
};

/** Epoch, step, speed, ETA and state of the current (or last) run. */
export function RunStatus() {
  const run = useLab((s) => s.run);
  if (!run) return <p className="run-line run-line--idle">No run yet: press Start to train.</p>;
  const p = run.progress;
  const epochs = p?.epochs ?? run.config.epochs;
  const bad = run.state === 'diverged' || run.state === 'failed';

  return (
    <div className="run-line">
      <dl className="stats">
        <StateCell run={run} />
        <div>
          <dt>Epoch</dt>
          <dd>
            {p ? currentEpoch(p.step, p.totalSteps, epochs) : '—'} / {epochs}
          </dd>
        </div>
        <StepCell progress={p} />
        <div>
          <dt>Images/s</dt>
          <dd>{p ? formatRate(p.imagesPerSec) : '—'}</dd>
        </div>
        <div>
          <dt>ETA</dt>
          <dd data-testid="eta">{isActive(run) && p ? formatLeft(p.etaSec) : '—'}</dd>
        </div>
      </dl>
      {bad && run.message && (
        <p className="run-line__message" role="alert">
          {STATE_TEXT[run.state]}: {run.message}
          {run.state === 'diverged' && (
            <span className="run-line__advice" data-testid="divergence-advice">
              {' '}
              {divergenceAdvice(lrFromMessage(run.message), run.config.lrMax)}
            </span>
          )}
        </p>
      )}
    </div>
  );
}

/** The State cell of a run line: a pending Stop, Pause or Resume at once, else the worker's word. */
export function StateCell({ run }: { run: LiveRun }) {
  const pending = isActive(run) ? run.pauseRequested : undefined;
  const text =
    run.stopRequested && isActive(run)
      ? 'stopping…'
      : pending === 'pause'
        ? 'pausing… (after this step)'
        : pending === 'resume'
          ? 'resuming…'
          : STATE_TEXT[run.state];
  return (
    <div>
      <dt>State</dt>
      <dd>
        <span role="status" className={`state state--${run.state}`}>
          {text}
        </span>
      </dd>
    </div>
  );
}

/** The Step cell of a run line: step / total, a dash before the first report. */
export function StepCell({ progress: p }: { progress: Progress | null }) {
  return (
    <div>
      <dt>Step</dt>
      <dd>{p ? `${formatCount(p.step)} / ${formatCount(p.totalSteps)}` : '—'}</dd>
    </div>
  );
}

/** 1-based epoch from the step count, whatever convention the progress event's epoch uses. */
export function currentEpoch(step: number, totalSteps: number, epochs: number): number {
  if (totalSteps <= 0 || epochs <= 0) return 1;
  const perEpoch = totalSteps / epochs;
  return Math.min(epochs, Math.max(1, Math.ceil(step / perEpoch)));
}
