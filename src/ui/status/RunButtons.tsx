import { useMemo } from 'react';
import { validateConfig } from '../../core/config';
import { startRun, stopRun, togglePause } from '../actions';
import { datasetName } from '../controls/fields';
import { isActive, isRangeActive } from '../store';
import { useLab } from '../store/hooks';

/** Start, Pause/Resume and Stop; Start says why it is disabled. */
export function RunButtons() {
  const config = useLab((s) => s.config);
  const runState = useLab((s) => s.run?.state ?? null);
  const active = useLab((s) => isActive(s.run));
  // The worker runs one thing at a time: a range test in progress holds Start too.
  const rangeBusy = useLab((s) => isRangeActive(s.rangeRun));
  const stopRequested = useLab((s) => s.run?.stopRequested ?? false);
  const dataPhase = useLab((s) => s.datasets[s.config.dataset]?.phase ?? null);

  const blocked = useMemo(() => {
    const reasons = validateConfig(config).map((e) => e.message);
    if (dataPhase === 'missing' || dataPhase === 'error')
      reasons.push(`${datasetName(config.dataset)} is not loaded: load it below first`);
    return reasons;
  }, [config, dataPhase]);

  const reason = active ? 'A run is active' : blocked.join('; ');
  const paused = runState === 'paused';

  return (
    <div className="run-buttons">
      <button
        type="button"
        className="btn btn--primary"
        onClick={startRun}
        disabled={active || rangeBusy || blocked.length > 0}
        title={reason || 'Start training with these settings'}
        aria-describedby={!active && blocked.length ? 'start-blocked' : undefined}
      >
        Start
      </button>
      <button type="button" className="btn" onClick={togglePause} disabled={!active}>
        {paused ? 'Resume' : 'Pause'}
      </button>
      <button
        type="button"
        className="btn btn--danger"
        onClick={stopRun}
        disabled={!active || stopRequested}
      >
        Stop
      </button>
      {!active && blocked.length > 0 && (
        <p id="start-blocked" className="run-buttons__reason" role="alert">
          Can’t start: {blocked.join('; ')}.
        </p>
      )}
    </div>
  );
}
