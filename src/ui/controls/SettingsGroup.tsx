/**
 * A group of settings: a plain fieldset on wide screens; on a phone a disclosure, closed at first,
 * so the settings panel is a few headings long instead of ~1,500 px of controls.
 */
import { useState, useSyncExternalStore, type ReactNode } from 'react';

/** Phones (and narrow windows), as in first-minutes.css. */
export const NARROW_QUERY = '(max-width: 600px)';

function subscribe(onChange: () => void): () => void {
  const mq = window.matchMedia(NARROW_QUERY);
  mq.addEventListener('change', onChange);
  return () => mq.removeEventListener('change', onChange);
}

/** Whether the window is phone-narrow now; follows rotation and resizing. */
export function useNarrow(): boolean {
  return useSyncExternalStore(
    subscribe,
    () => window.matchMedia(NARROW_QUERY).matches,
    () => false,
  );
}

export function SettingsGroup({
  title,
  disabled,
  children,
  testId,
}: {
  title: string;
  disabled: boolean;
  children: ReactNode;
  testId: string;
}) {
  const narrow = useNarrow();
  // Opened or closed by the user; null follows the screen (closed on a phone, open elsewhere).
  const [open, setOpen] = useState<boolean | null>(null);
  const fieldset = (
    <fieldset disabled={disabled} data-testid={testId}>
      {/* The summary shows the name on a phone; the legend still names the group for readers. */}
      <legend className={narrow ? 'visually-hidden' : undefined}>{title}</legend>
      {children}
    </fieldset>
  );
  if (!narrow) return fieldset;
  return (
    <details
      className="config__group"
      open={open ?? false}
      onToggle={(e) => setOpen(e.currentTarget.open)}
    >
      <summary data-testid={`${testId}.toggle`}>{title}</summary>
      {fieldset}
    </details>
  );
}
