import { useId, useState } from 'react';
import type { TrainConfig } from '../../core/config';
import {
  MIN_BOUND_RULE,
  primarySuggestion,
  type RangeAnalysis,
  type SuggestionId,
} from '../../core/range-test';
import { applyToTraining, boundsFor } from './actions';
import { formatLr } from './rows';

interface Props {
  analysis: RangeAnalysis;
  config: TrainConfig;
}

/**
 * The suggested maximum LR (Smith's bound unless the user picks another reading of the curve),
 * the minimum-bound rule, and one button that applies both bounds to training.
 */
export function RangeSuggestions({ analysis, config }: Props) {
  const [choice, setChoice] = useState<SuggestionId>('smith');
  const name = useId();
  const { suggestions } = analysis;
  const chosen = suggestions.find((s) => s.id === choice) ?? suggestions[0];
  if (!chosen) {
    return (
      <p className="range-note">
        Too few points to read the curve: sweep more iterations or a wider range.
      </p>
    );
  }
  const bounds = boundsFor(config, chosen.lr);
  const cyclical = config.schedule.startsWith('clr-');

  return (
    <div className="lr-suggestion" data-testid="lr-suggestion" data-lr={bounds.lrMax}>
      <p className="lr-suggestion__main">
        {chosen.id === primarySuggestion(suggestions)?.id ? 'Recommended' : 'Chosen'} LR max:{' '}
        <strong data-testid="lr-recommended">{formatLr(bounds.lrMax)}</strong>. Rule: {chosen.rule}
      </p>
      <fieldset className="lr-suggestion__choices">
        <legend>Alternatives: other readings of the same curve</legend>
        {suggestions.map((s) => (
          <label key={s.id} className="lr-suggestion__choice" title={s.rule}>
            <input
              type="radio"
              name={name}
              value={s.id}
              checked={s.id === chosen.id}
              onChange={() => setChoice(s.id)}
            />
            {s.label}: {formatLr(s.lr)}
          </label>
        ))}
      </fieldset>
      <p className="lr-suggestion__rule">
        {MIN_BOUND_RULE} Applying sets LR max {formatLr(bounds.lrMax)} and LR min{' '}
        {formatLr(bounds.lrMin)} (÷ {cyclical ? '4, for cyclical LR' : '10, for 1cycle'}).
      </p>
      <button type="button" className="btn btn--primary" onClick={() => applyToTraining(chosen.lr)}>
        Apply to training
      </button>
    </div>
  );
}
