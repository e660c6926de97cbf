import { loadTarball, retryDataset } from '../actions';
import { datasetName } from '../controls/fields';
import { useLab } from '../store/hooks';

const TARBALL = { cifar10: 'cifar-10-binary.tar.gz', cifar100: 'cifar-100-binary.tar.gz' };

/** When the served shards are missing or broken: the reason, and a picker for the tarball. */
export function DataPanel() {
  const dataset = useLab((s) => s.config.dataset);
  const status = useLab((s) => s.datasets[s.config.dataset]);
  if (!status || (status.phase !== 'missing' && status.phase !== 'error')) return null;

  return (
    <section className="data-panel" aria-labelledby="data-panel-title">
      <h3 id="data-panel-title">
        {datasetName(dataset)} {status.phase === 'missing' ? 'is not available' : 'did not load'}
      </h3>
      {status.message && <p className="data-panel__message">{status.message}</p>}
      <p>
        <button type="button" className="btn" onClick={() => retryDataset(dataset)}>
          Retry
        </button>{' '}
        the download, if the server or the network had a hiccup.
      </p>
      <p>
        Run <code>npm run data</code> in the project and reload, or pick the official{' '}
        <code>{TARBALL[dataset]}</code> from your disk. It is unpacked here in your browser; nothing
        is uploaded.
      </p>
      <label className="btn file-button">
        Load CIFAR tarball…
        <input
          type="file"
          className="visually-hidden"
          accept=".tar.gz,.tgz,application/gzip,application/x-gzip"
          onChange={(e) => {
            const file = e.target.files?.[0];
            if (file) loadTarball(file, dataset);
            e.target.value = '';
          }}
        />
      </label>
    </section>
  );
}
