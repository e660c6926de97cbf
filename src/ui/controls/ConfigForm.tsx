import { useMemo } from 'react';
import { validateConfig, type TrainConfig } from '../../core/config';
import { isActive } from '../store';
import { useLab } from '../store/hooks';
import { NumberControl } from './NumberControl';
import { ScheduleFields } from './ScheduleFields';
import { SelectControl } from './SelectControl';
import { SettingsGroup } from './SettingsGroup';

/** All settings, grouped as a user thinks of them; locked while a run is active. */
export function ConfigForm() {
  const config = useLab((s) => s.config);
  const disabled = useLab((s) => isActive(s.run) || isActive(s.rangeRun));
  const errors = useMemo(() => crossErrors(config), [config]);
  const modelNote = useLab((s) => s.modelNote);
  const hidden = useLab((s) => s.hidden);
  const num = (name: Parameters<typeof NumberControl>[0]['name'], slider = true) => (
    <NumberControl name={name} disabled={disabled} crossError={errors[name]} slider={slider} />
  );

  // Classroom mode: a group whose every setting is hidden goes with its heading.
  const shown = (keys: readonly (keyof TrainConfig)[]) => keys.some((k) => !hidden.includes(k));

  return (
    <form className="config" onSubmit={(e) => e.preventDefault()} aria-label="Training settings">
      {disabled && <p className="config__locked">Settings are locked while a run is active.</p>}
      {shown(GROUPS.data) && (
        <SettingsGroup title="Network and data" disabled={disabled} testId="settings.data">
          <SelectControl name="model" disabled={disabled} />
          {modelNote && (
            <p className="control__note" data-testid="model-note" role="status">
              {modelNote}
            </p>
          )}
          <SelectControl name="dataset" disabled={disabled} />
          {num('trainSize')}
          {num('valSize')}
        </SettingsGroup>
      )}
      {shown(GROUPS.schedule) && (
        <SettingsGroup title="Schedule" disabled={disabled} testId="settings.schedule">
          {num('epochs')}
          {num('batchSize')}
          <ScheduleFields disabled={disabled} errors={errors} />
          {num('wd')}
        </SettingsGroup>
      )}
      {shown(GROUPS.hardware) && (
        <SettingsGroup
          title="Reproducibility and hardware"
          disabled={disabled}
          testId="settings.hardware"
        >
          {num('seed', false)}
          <SelectControl name="backend" disabled={disabled} />
        </SettingsGroup>
      )}
    </form>
  );
}

/** The settings each group shows (ScheduleFields shows a subset of `schedule`'s by schedule). */
const GROUPS = {
  data: ['model', 'dataset', 'trainSize', 'valSize'],
  schedule: [
    'epochs',
    'batchSize',
    'wd',
    'schedule',
    'lrMin',
    'lrMax',
    'momSchedule',
    'momMax',
    'momMin',
    'stepSize',
    'clrGamma',
    'pctStart',
    'finalDiv',
    'threePhase',
    'dropFactor',
    'dropAt1',
    'dropAt2',
  ],
  hardware: ['seed', 'backend'],
} as const satisfies Record<string, readonly (keyof TrainConfig)[]>;

function crossErrors(config: TrainConfig): Partial<Record<keyof TrainConfig, string>> {
  const out: Partial<Record<keyof TrainConfig, string>> = {};
  for (const e of validateConfig(config)) out[e.key] = e.message;
  return out;
}
