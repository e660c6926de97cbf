import type { RunRecord } from '../../core/run-record';
import { useLab } from '../store/hooks';
import { canResume, resumeRun } from './resume';

/** "Resume" on a run that stopped early and has a checkpoint: it goes on from that step. */
export function ResumeButton({ run }: { run: RunRecord }) {
  const step = useLab((s) => s.checkpoints[run.id]);
  // Re-render when a run starts or ends (only one runs at a time).
  useLab((s) => s.run?.state);
  useLab((s) => s.rangeRun);
  if (step === undefined || !['interrupted', 'failed', 'stopped'].includes(run.status)) return null;
  return (
    <button
      type="button"
      className="btn btn--small"
      disabled={!canResume(run.id)}
      title={`Continue from the checkpoint after step ${step}`}
      onClick={() => void resumeRun(run.id)}
    >
      Resume
    </button>
  );
}
