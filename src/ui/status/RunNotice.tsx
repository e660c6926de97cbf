import { isActive } from '../store';
import { useLab } from '../store/hooks';

/** Why the current run continued from a checkpoint, and where its last checkpoint stands. */
export function RunNotice() {
  const runId = useLab((s) => s.run?.runId);
  const notice = useLab((s) => s.runNotice);
  const saved = useLab((s) => s.checkpointStatus);
  const mineNotice = notice && notice.runId === runId ? notice.message : null;
  // A checkpoint line is news only while its run can still be cut short; errors stay.
  const active = useLab((s) => isActive(s.run));
  const mineSaved = saved && saved.runId === runId && (active || saved.error) ? saved : null;
  if (!mineNotice && !mineSaved) return null;
  return (
    <div className="run-notice">
      {mineNotice && (
        <p className="banner banner--warn" role="status" data-testid="run-notice">
          {mineNotice}
        </p>
      )}
      {mineSaved && (
        <p
          className="run-notice__checkpoint"
          data-testid="checkpoint-status"
          data-step={mineSaved.step}
        >
          {mineSaved.error
            ? `Checkpoint after step ${mineSaved.step} could not be saved: ${mineSaved.error}`
            : `Checkpoint saved after step ${mineSaved.step}.`}
        </p>
      )}
    </div>
  );
}
