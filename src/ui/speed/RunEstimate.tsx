import { useEffect, useMemo } from 'react';
import { estimatePlan, formatAbout } from '../../core/estimate';
import { isActive, labStore } from '../store';
import { useLab } from '../store/hooks';
import { demoEpochsNow } from '../sweep/actions';
import { requestSpeed, speedFor } from './actions';
import { useLoadRate } from './load-rate';
import { planSubject, plannedRuns } from './plan';

const HOW_TEXT = {
  'first step': 'an upper bound from the first step; measuring more steps',
  measured: 'measured on this machine',
  'other batch': 'measured at another batch, scaled per image; measuring this one',
  extrapolated: 'extrapolated from another model; measuring this one',
};

/**
 * How long what Start starts takes here (a run, a range test, every run of a sweep or the demo),
 * before Start, with the images still to load; measures the speed when needed.
 */
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
  const sweepText = useLab((s) => s.sweepText);
  const demoEpochs = useLab(demoEpochsNow);
  const runs = useMemo(
    () => plannedRuns({ config, sweepText, demoEpochs }),
    [config, sweepText, demoEpochs],
  );
  // Images already in the worker (both splits): a run that needs more waits for their shards.
  const loaded = useLab((s) => s.datasets[s.config.dataset]?.loaded ?? 0);
  // The server's measured speed once shards have arrived; an assumed one before.
  const bytesPerSecond = useLoadRate();
  const estimate = useMemo(
    () =>
      estimatePlan(runs, (c) => speedFor({ speeds, backend: backendStatus }, c)?.sample ?? null, {
        loadedImages: loaded,
        ...(bytesPerSecond ? { bytesPerSecond } : {}),
      }),
    [runs, speeds, backendStatus, loaded, bytesPerSecond],
  );

  // Keyed by what a measurement depends on; the rest of the config is read when it runs.
  useEffect(() => {
    if (workerReady && !active) requestSpeed(labStore.getState().config);
  }, [model, backend, batchSize, dataset, workerReady, active, measuring]);

  if (runs.length === 0) return null;
  const seconds = speed && estimate ? estimate.total : null;
  const provisional = speed?.how === 'first step';
  // A range test stops at divergence, usually before its last iteration.
  const atMost = provisional || config.mode === 'range';
  return (
    <p
      className="estimate"
      data-testid="estimate"
      data-seconds={seconds == null ? undefined : Math.round(seconds)}
      data-load-seconds={estimate ? Math.round(estimate.data) : undefined}
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
            {planSubject(config.mode, runs.length)} {atMost ? 'at most ' : ''}
            {formatAbout(seconds)} here
          </span>{' '}
          {estimate && estimate.data >= 1 && (
            <span className="estimate__how">
              (including {formatAbout(estimate.data)} to load the images)
            </span>
          )}{' '}
          <span className="estimate__how">
            ({speed?.sample.backend}, {HOW_TEXT[speed?.how ?? 'measured']})
          </span>
        </>
      )}
    </p>
  );
}
