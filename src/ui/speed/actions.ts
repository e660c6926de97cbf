/**
 * Speed measurements: asked of the worker when the settings need one, kept in localStorage per
 * model/backend/batch, and used to fit a first visit's run to about three minutes.
 */
import { SCHEMA, type TrainConfig } from '../../core/config';
import { extrapolate, isStale, probeBatch, speedKey, type SpeedSample } from '../../core/estimate';
import { fitBudget, FIRST_VISIT_SECONDS } from '../../core/presets';
import { isActive, labStore, type LabState } from '../store';
import { send } from '../worker-client';

const STORAGE_KEY = 'lab.speeds.v1';

function readStored(): Record<string, SpeedSample> {
  try {
    const raw: unknown = JSON.parse(localStorage.getItem(STORAGE_KEY) ?? '{}');
    if (typeof raw !== 'object' || raw === null) return {};
    const out: Record<string, SpeedSample> = {};
    // Stored by an older page or edited by hand: only whole, finite samples are trusted.
    for (const [key, v] of Object.entries(raw as Record<string, Partial<SpeedSample>>)) {
      const ok =
        typeof v === 'object' &&
        SCHEMA.model.values.includes(v.model as TrainConfig['model']) &&
        [v.batch, v.secondsPerStep, v.evalSecondsPerImage, v.warmupSeconds, v.measuredAt].every(
          (n) => typeof n === 'number' && Number.isFinite(n) && n >= 0,
        );
      if (ok) out[key] = v as SpeedSample;
    }
    return out;
  } catch {
    return {};
  }
}

/** The sample the estimate uses, and how it was had. */
export interface SpeedFor {
  sample: SpeedSample;
  how: 'measured' | 'other batch' | 'extrapolated' | 'first step';
}

/**
 * Measured since this page loaded: the worker that measured still holds the compiled shaders,
 * so a run pays no warm-up again (a 3-minute run here otherwise ended in half its estimate).
 */
const PAGE_LOADED_AT = Date.now();

function inSession(sample: SpeedSample, batch: number): SpeedSample {
  // Only the probe's own batch shape is compiled: another batch compiles its shaders again.
  const warm = sample.measuredAt >= PAGE_LOADED_AT && batch === sample.batch;
  return warm ? { ...sample, warmupSeconds: 0 } : sample;
}

/** What a speed lookup reads from the store. */
export type SpeedView = Pick<LabState, 'speeds' | 'backend'>;

function fresh(s: SpeedView, sample: SpeedSample): boolean {
  if (sample.provisional) return false;
  const b = s.backend;
  return !isStale(sample, Date.now(), b ? { backend: b.backend, device: b.detail ?? '' } : null);
}

/** The best known speed for `config`: its own key, the same model at another batch, or another model. */
export function speedFor(s: SpeedView, config: TrainConfig): SpeedFor | null {
  const own = s.speeds[speedKey(config.model, config.backend, config.batchSize)];
  if (own && fresh(s, own)) return { sample: inSession(own, config.batchSize), how: 'measured' };
  if (own?.provisional) return { sample: own, how: 'first step' };
  const same = Object.entries(s.speeds).filter(
    ([k, v]) => k.split('/')[1] === config.backend && fresh(s, v),
  );
  const sameModel = same.find(([, v]) => v.model === config.model);
  if (sameModel) return { sample: inSession(sameModel[1], config.batchSize), how: 'other batch' };
  const other = same[0];
  return other ? { sample: extrapolate(other[1], config.model), how: 'extrapolated' } : null;
}

/** Measured samples on the backend `config` asks for (presets fit with these). */
export function speedsOn(s: SpeedView, config: TrainConfig): SpeedSample[] {
  return Object.entries(s.speeds)
    .filter(([k, v]) => k.split('/')[1] === config.backend && fresh(s, v))
    .map(([, v]) => v);
}

/** Asks the worker to time `config`'s model unless a fresh figure exists or it is busy. */
export function requestSpeed(config: TrainConfig): void {
  const s = labStore.getState();
  if (!s.workerReady || isActive(s.run) || isActive(s.rangeRun) || s.measuring) return;
  const key = speedKey(config.model, config.backend, config.batchSize);
  const known = s.speeds[key];
  if (known && fresh(s, known)) return;
  s.setMeasuring(key);
  send({
    type: 'measureSpeed',
    model: config.model,
    dataset: config.dataset,
    backend: config.backend,
    batch: probeBatch(config.batchSize),
  });
}

/** The first visit's settings before any speed is known: the shallow net on a small subset. */
export const FIRST_VISIT_CONFIG: Partial<TrainConfig> = {
  model: 'shallow3',
  trainSize: 1024,
  valSize: 256,
  batchSize: 32,
  epochs: 2,
  lrMin: 0.005,
  lrMax: 0.05,
  wd: 5e-4,
};

/** Loads stored speeds, saves new ones, and fits a pending first visit once a speed arrives. */
export function startSpeedSync(firstVisit: boolean): () => void {
  labStore.getState().setSpeeds(readStored());
  if (firstVisit) {
    const s = labStore.getState();
    labStore.setState({ config: { ...s.config, ...FIRST_VISIT_CONFIG }, firstVisit: 'pending' });
  }
  return labStore.subscribe((s, prev) => {
    if (s.speeds !== prev.speeds) {
      const kept = Object.fromEntries(Object.entries(s.speeds).filter(([, v]) => !v.provisional));
      try {
        localStorage.setItem(STORAGE_KEY, JSON.stringify(kept));
      } catch {
        // Storage full or blocked: the figure is measured again next visit.
      }
    }
    if (s.firstVisit !== 'pending') return;
    // The user changed a setting or started: their choice stands.
    if (s.config !== prev.config || s.run) return labStore.setState({ firstVisit: null });
    if (s.speeds === prev.speeds) return;
    const plan = fitBudget(FIRST_VISIT_SECONDS, speedsOn(s, s.config));
    if (plan) labStore.setState({ config: { ...s.config, ...plan.config }, firstVisit: 'fitted' });
  });
}
