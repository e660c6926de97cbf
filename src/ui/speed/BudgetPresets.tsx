import { useMemo } from 'react';
import { formatAbout } from '../../core/estimate';
import { BUDGET_PRESETS, planPreset, type BudgetPreset } from '../../core/presets';
import { isActive, labStore } from '../store';
import { useLab } from '../store/hooks';
import { speedsOn } from './actions';

const LABEL: Record<BudgetPreset, string> = {
  '2': '2 min',
  '5': '5 min',
  '15': '15 min',
  '45': '45 min',
  demo: 'Class demo',
};

/** Buttons that fit model, subset, epochs and batch to a time budget at the measured speed. */
export function BudgetPresets() {
  const all = useLab((s) => s.speeds);
  const backend = useLab((s) => s.backend);
  const config = useLab((s) => s.config);
  const speeds = useMemo(() => speedsOn({ speeds: all, backend }, config), [all, backend, config]);
  const active = useLab((s) => isActive(s.run));
  const note = useLab((s) => s.presetNote);
  const ready = speeds.length > 0;

  const apply = (preset: BudgetPreset) => {
    const plan = planPreset(preset, speeds);
    if (!plan) return;
    const s = labStore.getState();
    s.loadConfig({ ...s.config, ...plan.config }, s.urlNotices);
    s.setPresetNote(`${LABEL[preset]}: ${formatAbout(plan.seconds)}. ${plan.note}.`);
  };

  return (
    <div className="presets" role="group" aria-labelledby="presets-title">
      <span id="presets-title" className="presets__title">
        Fit a time budget
      </span>
      {BUDGET_PRESETS.map((p) => (
        <button
          key={p}
          type="button"
          className="btn btn--small"
          data-testid={`preset.${p}`}
          disabled={!ready || active}
          title={ready ? undefined : 'Waiting for this machine’s speed'}
          onClick={() => apply(p)}
        >
          {LABEL[p]}
        </button>
      ))}
      {note && (
        <p className="presets__note" data-testid="preset-note" role="status">
          {note}
        </p>
      )}
    </div>
  );
}
