import { useEffect, useId, useRef } from 'react';

/** What the three buttons do. */
export interface RunActions {
  start: () => void;
  pause: () => void;
  stop: () => void;
}

export interface RunControlsProps {
  /** The primary button's text. */
  startLabel?: string;
  /** Its title when it can start, and when what it starts is going (`busy`). */
  startTitle: string;
  busyTitle: string;
  actions: RunActions;
  /** This panel's run (or queue): Pause and Stop work while it is active. */
  run: { active: boolean; paused: boolean; stopping?: boolean };
  /** What Start would start is going; the panel's own run unless said otherwise. */
  busy?: boolean;
  /** Why Start is off besides `busy`, shown under the buttons. */
  blocked: readonly string[];
  /** Start is off without a reason line (another panel's run holds the worker). */
  held?: boolean;
  /** The reason line's id, when a test or a link names it. */
  reasonId?: string;
}

/** Start, Pause/Resume and Stop, the same on every panel; Start says why it is off. */
export function RunControls({
  startLabel = 'Start',
  startTitle,
  busyTitle,
  actions,
  run: { active, paused, stopping },
  busy = active,
  blocked,
  held = false,
  reasonId,
}: RunControlsProps) {
  const ownId = useId();
  const reasonAt = reasonId ?? ownId;
  const showReason = !busy && blocked.length > 0;
  // A button that disables under the focus drops it to the body (Start once the run goes, Pause
  // and Stop when it ends): the focus moves to the button that takes over instead.
  const startRef = useRef<HTMLButtonElement>(null);
  const pauseRef = useRef<HTMLButtonElement>(null);
  /** The focus is (or was, until its button disabled) inside these buttons. */
  const focusHere = useRef(false);
  useEffect(() => {
    const focused = document.activeElement;
    // Chrome blurs a disabled button only at its next focus fix-up: it may still hold the focus.
    const lost =
      !focused || focused === document.body || (focused as HTMLButtonElement).disabled === true;
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
        onClick={actions.start}
        disabled={busy || held || blocked.length > 0}
        title={busy ? busyTitle : blocked.join('; ') || startTitle}
        aria-describedby={showReason ? reasonAt : undefined}
      >
        {startLabel}
      </button>
      <button
        ref={pauseRef}
        type="button"
        className="btn"
        onClick={actions.pause}
        disabled={!active}
      >
        {paused ? 'Resume' : 'Pause'}
      </button>
      <button
        type="button"
        className="btn btn--danger"
        onClick={() => !stopping && actions.stop()}
        disabled={!active}
        // Not `disabled` while stopping: the focus stays on it until the run has ended.
        aria-disabled={stopping}
      >
        Stop
      </button>
      {showReason && (
        <p id={reasonAt} className="run-buttons__reason" role="alert">
          Can’t start: {blocked.join('; ')}.
        </p>
      )}
    </div>
  );
}
