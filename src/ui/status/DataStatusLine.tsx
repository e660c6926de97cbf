import { datasetName } from '../controls/fields';
import { formatCount } from '../format';
import { useLab } from '../store/hooks';

const SOURCE_TEXT = {
  network: 'from the server',
  cache: 'from the browser cache',
  file: 'from your file',
};

/** The selected dataset's loading state, with a progress bar while images arrive. */
export function DataStatusLine() {
  const dataset = useLab((s) => s.config.dataset);
  const status = useLab((s) => s.datasets[s.config.dataset]);
  const workerReady = useLab((s) => s.workerReady);
  const name = datasetName(dataset);
  const source = status?.source ? ` ${SOURCE_TEXT[status.source]}` : '';

  if (!status) {
    return (
      <p className="data-line">
        {workerReady ? `Looking for ${name}…` : 'Starting the training worker…'}
      </p>
    );
  }
  switch (status.phase) {
    case 'loading': {
      const counted = status.total > 0;
      return (
        <div className="data-line">
          <label htmlFor="data-progress">
            Loading {name}
            {source}
            {counted && `: ${formatCount(status.loaded)} / ${formatCount(status.total)} images`}
          </label>
          <progress
            id="data-progress"
            max={counted ? status.total : undefined}
            value={counted ? status.loaded : undefined}
          />
        </div>
      );
    }
    case 'ready':
      return (
        <p className="data-line data-line--ok" data-testid="data-line">
          {name} ready: {formatCount(status.total)} images{source}
          {status.loaded < status.total &&
            ` (${formatCount(status.loaded)} loaded; the rest stream in as a run needs them)`}
        </p>
      );
    case 'missing':
      return <p className="data-line data-line--bad">{name} not found on the server.</p>;
    case 'error':
      return <p className="data-line data-line--bad">{name} failed to load.</p>;
  }
}
