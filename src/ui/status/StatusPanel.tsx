import { BackendBadge } from './BackendBadge';
import { DataPanel } from './DataPanel';
import { DataStatusLine } from './DataStatusLine';
import { Hideable } from '../Hideable';
import { RunButtons } from './RunButtons';
import { RunNotice } from './RunNotice';
import { RunStatus } from './RunStatus';
import { RunEstimate } from '../speed/RunEstimate';
import { useLab } from '../store/hooks';

/** Buttons, data and run status, backend, and any worker-level error. */
export function StatusPanel() {
  const workerError = useLab((s) => s.workerError);
  const dismiss = useLab((s) => s.setWorkerError);
  return (
    <section className="panel status-panel" aria-labelledby="run-title">
      <div className="status-panel__top">
        <h2 id="run-title">Run</h2>
        <BackendBadge />
      </div>
      <RunButtons />
      <RunEstimate />
      <div className="status" data-testid="status">
        <DataStatusLine />
        <RunStatus />
      </div>
      <RunNotice />
      {workerError && (
        <div className="banner banner--error" role="alert">
          <span>{workerError}</span>
          <button type="button" className="btn btn--small" onClick={() => dismiss(null)}>
            Dismiss
          </button>
        </div>
      )}
      <Hideable name="panel.data">
        <DataPanel />
      </Hideable>
    </section>
  );
}
