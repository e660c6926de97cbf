import { useState, type ChangeEvent } from 'react';
import type { RunRecord } from '../../core/run-record';
import { OPTION_TEXT } from '../controls/fields';
import { formatPercent } from '../format';
import { useLab } from '../store/hooks';
import {
  deleteOldestRun,
  deleteRun,
  freeDatasetCache,
  exportChart,
  exportRuns,
  importRunsFile,
  renameRun,
  toggleOverlayRun,
} from './actions';
import { overlayColour } from './colours';
import { PyTorchButtons, ShowButton } from './RowActions';
import { ResumeButton } from './ResumeButton';

/** Saved runs: overlay several on the loss chart, rename, delete, export, import. */
export function HistoryPanel() {
  const runs = useLab((s) => s.historyRuns);
  const loaded = useLab((s) => s.historyLoaded);
  const error = useLab((s) => s.historyError);
  const full = useLab((s) => s.historyFull);
  const overlayIds = useLab((s) => s.overlayIds);
  const notices = useLab((s) => s.importNotices);
  const clearNotices = useLab((s) => s.setImportNotices);
  const [checked, setChecked] = useState<string[]>([]);
  const picked = checked.filter((id) => runs.some((r) => r.id === id));
  const forExport = picked.length > 0 ? picked : runs.map((r) => r.id);

  const onImport = (e: ChangeEvent<HTMLInputElement>) => {
    const file = e.target.files?.[0];
    e.target.value = '';
    if (file) void importRunsFile(file);
  };

  return (
    <section className="panel history-panel" aria-labelledby="history-title" data-testid="history">
      <h2 id="history-title">Run history</h2>
      {error && (
        <div className="history__error" role="alert" data-testid="history-error">
          <p>{error}</p>
          {full && (
            <p>
              <button
                type="button"
                className="btn btn--small"
                onClick={() => void freeDatasetCache()}
              >
                Clear cached dataset
              </button>{' '}
              (it downloads again when needed)
              {runs.length > 1 && (
                <>
                  , or{' '}
                  <button
                    type="button"
                    className="btn btn--small btn--danger"
                    onClick={() => void deleteOldestRun()}
                  >
                    Delete oldest run
                  </button>{' '}
                  or select runs below and press Delete
                </>
              )}
              .
            </p>
          )}
        </div>
      )}
      {notices.length > 0 && (
        <div className="banner banner--warn" data-testid="import-notice" role="status">
          <ul>
            {notices.map((n, i) => (
              <li key={i}>{n}</li>
            ))}
          </ul>
          <button type="button" className="btn btn--small" onClick={() => clearNotices([])}>
            Dismiss
          </button>
        </div>
      )}
      {loaded && runs.length === 0 && (
        <p className="history__empty">Runs are saved here as they train.</p>
      )}
      <ul className="history__list">
        {runs.map((r) => (
          <HistoryRow
            key={r.id}
            run={r}
            checked={picked.includes(r.id)}
            onCheck={(on) => setChecked((c) => (on ? [...c, r.id] : c.filter((id) => id !== r.id)))}
            overlayIndex={overlayIds.indexOf(r.id)}
          />
        ))}
      </ul>
      <div className="history__tools">
        <span>{picked.length > 0 ? `${picked.length} selected:` : 'All runs:'}</span>
        <button
          type="button"
          className="btn btn--small"
          disabled={forExport.length === 0}
          onClick={() => void exportRuns(forExport, 'json')}
        >
          Export JSON
        </button>
        <button
          type="button"
          className="btn btn--small"
          disabled={forExport.length === 0}
          onClick={() => void exportRuns(forExport, 'csv')}
        >
          Export CSV
        </button>
        {picked.length > 0 && (
          <button
            type="button"
            className="btn btn--small btn--danger"
            onClick={() => {
              for (const id of picked) void deleteRun(id);
              setChecked([]);
            }}
          >
            Delete
          </button>
        )}
      </div>
      <div className="history__tools">
        <label className="btn btn--small file-button">
          Import JSON / PyTorch log
          <input
            type="file"
            accept="application/json,.json,.jsonl"
            className="visually-hidden"
            data-testid="history-import"
            onChange={onImport}
          />
        </label>
        <button type="button" className="btn btn--small" onClick={() => void exportChart('svg')}>
          Chart as SVG
        </button>
        <button type="button" className="btn btn--small" onClick={() => void exportChart('png')}>
          Chart as PNG
        </button>
      </div>
    </section>
  );
}

function HistoryRow(props: {
  run: RunRecord;
  checked: boolean;
  onCheck: (on: boolean) => void;
  overlayIndex: number;
}) {
  const { run, checked, onCheck, overlayIndex } = props;
  const [editing, setEditing] = useState<string | null>(null);
  const shown = overlayIndex >= 0;
  const commit = () => {
    if (editing !== null) void renameRun(run.id, editing);
    setEditing(null);
  };

  return (
    <li className="history__row" data-testid="history-run" data-status={run.status}>
      <input
        type="checkbox"
        checked={checked}
        aria-label={`Select ${run.name}`}
        onChange={(e) => onCheck(e.target.checked)}
      />
      <div className="history__main">
        {editing === null ? (
          <span className="history__name">{run.name}</span>
        ) : (
          <input
            className="history__rename"
            aria-label="Run name"
            value={editing}
            autoFocus
            onChange={(e) => setEditing(e.target.value)}
            onBlur={commit}
            onKeyDown={(e) => {
              if (e.key === 'Enter') commit();
              if (e.key === 'Escape') setEditing(null);
            }}
          />
        )}
        <span className="history__meta">
          {new Date(run.createdAt).toLocaleString()} ·{' '}
          {OPTION_TEXT[run.config.model] ?? run.config.model} ·{' '}
          <span className={`state state--${run.status}`}>{run.status}</span>
          {run.finalVal &&
            ` · val loss ${run.finalVal.loss.toFixed(3)}, top-1 ${formatPercent(run.finalVal.top1)}`}
        </span>
      </div>
      <div className="history__actions">
        <ResumeButton run={run} />
        <button
          type="button"
          className={`btn btn--small${shown ? ' btn--on' : ''}`}
          aria-pressed={shown}
          style={shown ? { borderColor: overlayColour(overlayIndex) } : undefined}
          onClick={() => void toggleOverlayRun(run.id)}
        >
          {shown ? 'Hide' : 'Overlay'}
        </button>
        <button type="button" className="btn btn--small" onClick={() => setEditing(run.name)}>
          Rename
        </button>
        <ShowButton run={run} />
        <PyTorchButtons run={run} />
      </div>
    </li>
  );
}
