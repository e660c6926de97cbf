import { useEffect, useMemo, useRef } from 'react';
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
  // A button that disables under the focus drops it to the body (Start once the run goes, Pause
  // and Stop when it ends): the focus moves to the button that takes over instead.
  const startRef = useRef<HTMLButtonElement>(null);
  const pauseRef = useRef<HTMLButtonElement>(null);
  /** The focus is (or was, until its button disabled) inside these buttons. */
  const focusHere = useRef(false);
  useEffect(() => {
    const held = document.activeElement;
    // Chrome blurs a disabled button only at its next focus fix-up: it may still hold the focus.
    const lost = !held || held === document.body || (held as HTMLButtonElement).disabled === true;
    if (!focusHere.current || !lost) return;
    (active ? pauseRef : startRef).current?.focus({ preventScroll: true });
  }, [active]);

  return (
    <div
      className="run-buttons"
      onFocus={() => (focusHere.current = true)}
      // A button disabled under the focus blurs with no relatedTarget: that is not leaving.
      onBlur={(e) => {
        if (e.relatedTarget) focusHere.current = false;
      }}
    >
      <button
        ref={startRef}
        type="button"
        className="btn btn--primary"
        onClick={startRun}
        disabled={active || rangeBusy || blocked.length > 0}
        title={reason || 'Start training with these settings'}
        aria-describedby={!active && blocked.length ? 'start-blocked' : undefined}
      >
        Start
      </button>
      <button ref={pauseRef} type="button" className="btn" onClick={togglePause} disabled={!active}>
        {paused ? 'Resume' : 'Pause'}
      </button>
      <button
        type="button"
        className="btn btn--danger"
        onClick={() => !stopRequested && stopRun()}
        disabled={!active}
        // Not `disabled` while stopping: the focus stays on it until the run has ended.
        aria-disabled={stopRequested}
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
