/** Why Start is off: the same words and order on every panel. */
import { useMemo } from 'react';
import { datasetName } from '../controls/fields';
import { isActive, type DataStatus } from '../store';
import { useLab } from '../store/hooks';

/** "CIFAR-10 is not loaded: <hint>" once loading has failed or found nothing; null otherwise. */
export function notLoadedReason(
  phase: DataStatus['phase'] | null,
  what: string,
  hint?: string,
): string | null {
  if (phase !== 'missing' && phase !== 'error') return null;
  return hint ? `${what} is not loaded: ${hint}` : `${what} is not loaded`;
}

/** The reason for the dataset the settings name, with where to load it from this panel. */
export function useNotLoaded(hint: string): string | null {
  return useLab((s) =>
    notLoadedReason(
      s.datasets[s.config.dataset]?.phase ?? null,
      datasetName(s.config.dataset),
      hint,
    ),
  );
}

/**
 * Why a panel's Start is off, in the order the page lists them: its own setting `errors`, the
 * data, then the runs that hold the worker and that this panel names (`holders`).
 */
export function useStartReasons(
  errors: readonly string[],
  hint: string,
  holders: { training?: boolean; ranging?: boolean } = {},
): string[] {
  const notLoaded = useNotLoaded(hint);
  const training = useLab((s) => holders.training === true && isActive(s.run));
  const ranging = useLab((s) => holders.ranging === true && isActive(s.rangeRun));
  return useMemo(() => {
    const reasons = [...errors];
    if (notLoaded) reasons.push(notLoaded);
    if (training) reasons.push('a training run is active');
    if (ranging) reasons.push('an LR range test is running');
    return reasons;
  }, [errors, notLoaded, training, ranging]);
}
