import { useMemo, useState } from 'react';
import { validateConfig } from '../../core/config';
import { startRun } from '../actions';
import { formatDuration } from '../format';
import { notLoadedReason } from '../status/start-reasons';
import { isActive, labStore } from '../store';
import { useLab } from '../store/hooks';
import { sharedOnShow } from '../store/link-slice';
import { shareLinkForCurrentRun } from './share';
import { sharedSummary } from './summary';

/** Above the loss chart: the "Shared result" mark with one-click rerun, and Share result. */
export function SharePanel() {
  const shared = useLab(sharedOnShow);
  const config = useLab((s) => s.run?.config ?? null);
  const canShare = useLab(
    (s) => s.run !== null && !isActive(s.run) && s.trainPoints.length + s.valPoints.length > 0,
  );
  const hideShare = useLab((s) => s.hidden.includes('share'));
  const hidden = useLab((s) => s.hidden);
  const dataPhase = useLab((s) => (config ? (s.datasets[config.dataset]?.phase ?? null) : null));
  // The same checks as Start: a hostile link may carry settings that cannot run.
  const blocked = useMemo(() => {
    const reasons = config ? validateConfig(config).map((e) => e.message) : [];
    const notLoaded = notLoadedReason(dataPhase, 'the dataset');
    if (notLoaded) reasons.push(notLoaded);
    return reasons.join('; ');
  }, [config, dataPhase]);
  const [link, setLink] = useState<string | null>(null);
  const [copied, setCopied] = useState(false);

  // The shared settings, even if the controls were moved since the link was opened.
  const rerun = () => {
    if (config) labStore.getState().patchConfig(config);
    startRun();
  };

  const share = async () => {
    const url = await shareLinkForCurrentRun();
    setLink(url);
    setCopied(false);
    if (url)
      await navigator.clipboard?.writeText(url).then(
        () => setCopied(true),
        () => undefined,
      );
  };

  return (
    <>
      {shared && config && (
        <div className="banner shared-result" data-testid="shared-result" role="note">
          <div>
            <p>
              <strong>Shared result</strong>: {shared.name}
              {shared.createdAt > 0 && ` · ${new Date(shared.createdAt).toLocaleDateString()}`}
            </p>
            <p className="shared-result__config">
              {sharedSummary(config, hidden)}
              {shared.backend && ` · trained on ${shared.backend}`}
              {shared.durationSec > 0 && ` in ${formatDuration(shared.durationSec)}`}. These curves
              were not trained here.
            </p>
          </div>
          <button
            type="button"
            className="btn btn--primary"
            onClick={rerun}
            disabled={blocked !== ''}
            title={blocked || 'Train again with these settings'}
          >
            Run it again
          </button>
        </div>
      )}
      {!hideShare && canShare && (
        <div className="share-bar">
          <button type="button" className="btn btn--small" onClick={() => void share()}>
            Share result
          </button>
          {link && (
            <>
              <input
                className="share-bar__link"
                data-testid="share-link"
                readOnly
                value={link}
                aria-label="Link to this result"
                onFocus={(e) => e.target.select()}
              />
              <span className="share-bar__note">
                {copied ? 'Copied. ' : ''}
                {link.length.toLocaleString()} characters
              </span>
            </>
          )}
        </div>
      )}
    </>
  );
}
