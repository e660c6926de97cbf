/** The frame of each panel that runs something (Train, range test, sweeps, demo). */
import type { ReactNode } from 'react';
import { useLab } from '../store/hooks';
import { BackendBadge } from './BackendBadge';

/** A titled panel with the backend badge beside its heading. */
export function RunPanel({
  className,
  titleId,
  title,
  children,
}: {
  className: string;
  titleId: string;
  title: string;
  children: ReactNode;
}) {
  return (
    <section className={`panel ${className}`} aria-labelledby={titleId}>
      <div className="status-panel__top">
        <h2 id={titleId}>{title}</h2>
        <BackendBadge />
      </div>
      {children}
    </section>
  );
}

/** A worker-level error (not tied to a run), until dismissed. */
export function WorkerErrorBanner() {
  const workerError = useLab((s) => s.workerError);
  const dismiss = useLab((s) => s.setWorkerError);
  if (!workerError) return null;
  return (
    <div className="banner banner--error" role="alert">
      <span>{workerError}</span>
      <button type="button" className="btn btn--small" onClick={() => dismiss(null)}>
        Dismiss
      </button>
    </div>
  );
}
