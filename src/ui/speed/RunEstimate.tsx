import { useEffect, useMemo } from 'react';
import { validateConfig } from '../../core/config';
import { estimateRun, formatAbout } from '../../core/estimate';
import { isActive, labStore } from '../store';
import { useLab } from '../store/hooks';
import { requestSpeed, speedFor } from './actions';

const HOW_TEXT = {
  'first step': 'an upper bound from the first step; measuring more steps',
  measured: 'measured on this machine',
  'other batch': 'measured at another batch, scaled per image; measuring this one',
  extrapolated: 'extrapolated from another model; measuring this one',
};

/** How long the current settings take here, before Start; measures the speed when needed. */
export function RunEstimate() {
  const config = useLab((s) => s.config);
  const workerReady = useLab((s) => s.workerReady);
  const active = useLab((s) => isActive(s.run));
  const measuring = useLab((s) => s.measuring);
  const error = useLab((s) => s.speedError);
  const speeds = useLab((s) => s.speeds);
  const backendStatus = useLab((s) => s.backend);
  const speed = useMemo(
    () => speedFor({ speeds, backend: backendStatus }, config),
    [speeds, backendStatus, config],
  );
  const { model, backend, batchSize, dataset } = config;

  // Keyed by what a measurement depends on; the rest of the config is read when it runs.
  useEffect(() => {
    if (workerReady && !active) requestSpeed(labStore.getState().config);
  }, [model, backend, batchSize, dataset, workerReady, active, measuring]);

  if (validateConfig(config).length > 0) return null;
  const seconds = speed ? estimateRun(config, speed.sample).total : null;
  const provisional = speed?.how === 'first step';
  return (
    <p
      className="estimate"
      data-testid="estimate"
      data-seconds={seconds == null ? undefined : Math.round(seconds)}
      data-provisional={provisional ? 'true' : undefined}
      aria-live="polite"
    >
      {seconds == null ? (
        error ? (
          <span>No estimate: {error}</span>
        ) : (
          <span>Measuring this machine’s speed for the estimate…</span>
        )
      ) : (
        <>
          <span className="estimate__value">
            These settings take {provisional ? 'at most ' : ''}
            {formatAbout(seconds)} here
          </span>{' '}
          <span className="estimate__how">
            ({speed?.sample.backend}, {HOW_TEXT[speed?.how ?? 'measured']})
          </span>
        </>
      )}
    </p>
  );
}
