import type { RunRecord } from '../../core/run-record';
import { useLab } from '../store/hooks';
import { downloadInitialWeights, downloadPytorchScript } from './pytorch-export';
import { canShow, showRun } from './show-run';

/** Shows a saved run on the charts (diagnosis, per-epoch table, share link), if nothing runs. */
export function ShowButton({ run }: { run: RunRecord }) {
  // Re-render when a run starts or ends (only one runs at a time).
  useLab((s) => s.run?.state);
  useLab((s) => s.rangeRun?.state);
  return (
    <button
      type="button"
      className="btn btn--small"
      aria-label={`Show ${run.name}`}
      title="Show this run's curves, diagnosis and per-epoch table; share it from there"
      disabled={!canShow()}
      onClick={() => void showRun(run.id)}
    >
      Show
    </button>
  );
}

/** A history row's export to PyTorch: the script, and on request the run's initial weights. */
export function PyTorchButtons({ run }: { run: RunRecord }) {
  return (
    <>
      <button
        type="button"
        className="btn btn--small"
        aria-label={`PyTorch script for ${run.name}`}
        title="Download train.py, which reproduces this run in PyTorch"
        onClick={() => downloadPytorchScript(run)}
      >
        PyTorch script
      </button>
      <button
        type="button"
        className="btn btn--small"
        aria-label={`Initial weights for ${run.name}`}
        title="Download init.bin, this run's initial weights (train.py --init init.bin)"
        onClick={() => downloadInitialWeights(run)}
      >
        Initial weights
      </button>
    </>
  );
}
