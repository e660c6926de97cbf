import { DataPanel } from './DataPanel';
import { DataStatusLine } from './DataStatusLine';
import { Hideable } from '../Hideable';
import { RunButtons } from './RunButtons';
import { RunNotice } from './RunNotice';
import { RunStatus } from './RunStatus';
import { RunEstimate } from '../speed/RunEstimate';
import { RunPanel, WorkerErrorBanner } from './RunPanel';

/** Buttons, data and run status, backend, and any worker-level error. */
export function StatusPanel() {
  return (
    <RunPanel className="status-panel" titleId="run-title" title="Run">
      <RunButtons />
      <RunEstimate />
      <div className="status" data-testid="status">
        <DataStatusLine />
        <RunStatus />
      </div>
      <RunNotice />
      <WorkerErrorBanner />
      <Hideable name="panel.data">
        <DataPanel />
      </Hideable>
    </RunPanel>
  );
}
