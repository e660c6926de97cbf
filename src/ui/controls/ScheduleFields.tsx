import {
  runSteps,
  clrStepIterations,
  scheduleUses,
  type ScheduleName,
  type TrainConfig,
} from '../../core/config';
import { useLab } from '../store/hooks';
import { NumberControl } from './NumberControl';
import { SelectControl } from './SelectControl';

/** What each schedule does, in the words of the paper or library it comes from. */
const ABOUT: Record<ScheduleName, string> = {
  onecycle:
    'Smith’s 1cycle: LR rises linearly from LR min to LR max, falls back over the same span (90% of the run in all), then anneals to LR min ÷ 100. Momentum mirrors the LR.',
  'onecycle-cos':
    'fastai / PyTorch OneCycleLR: a cosine from LR min (= max ÷ div) up to LR max over pct_start of the run, then down to LR min ÷ final_div.',
  'clr-triangular':
    'Cyclical LR (Smith 2017), triangular: the LR climbs linearly from LR min to LR max over one step size and back down, again and again.',
  'clr-triangular2':
    'Cyclical LR, triangular2: each cycle has half the amplitude of the one before.',
  'clr-exp-range':
    'Cyclical LR, exp_range: the amplitude is multiplied by gamma after every iteration.',
  multistep:
    'The conventional baseline: LR max, divided by the divisor at each drop. Momentum stays at momentum max.',
  constant: 'LR max and momentum max for the whole run.',
};

interface Props {
  disabled: boolean;
  errors: Partial<Record<keyof TrainConfig, string>>;
}

/** The schedule selector and only the settings the chosen schedule reads. */
export function ScheduleFields({ disabled, errors }: Props) {
  const config = useLab((s) => s.config);
  const uses = scheduleUses(config);
  const num = (name: Parameters<typeof NumberControl>[0]['name'], slider = true) => (
    <NumberControl name={name} disabled={disabled} crossError={errors[name]} slider={slider} />
  );
  const { stepsPerEpoch, totalSteps } = runSteps(config);

  return (
    <div className="schedule-fields" data-testid="schedule-fields">
      <SelectControl name="schedule" disabled={disabled} />
      <p className="control__hint">{ABOUT[config.schedule]}</p>
      {uses.lrMin && num('lrMin')}
      {num('lrMax')}
      {uses.stepSize && num('stepSize')}
      {uses.stepSize && stepsPerEpoch > 0 && (
        <p className="control__hint" data-testid="schedule-cycle-note">
          Half cycle = {clrStepIterations(config, stepsPerEpoch)} iterations of the run’s{' '}
          {totalSteps}.
        </p>
      )}
      {uses.clrGamma && num('clrGamma', false)}
      {uses.oneCycleCos && num('pctStart')}
      {uses.oneCycleCos && num('finalDiv')}
      {uses.oneCycleCos && <SelectControl name="threePhase" disabled={disabled} />}
      {uses.multistep && num('dropFactor')}
      {uses.multistep && num('dropAt1')}
      {uses.multistep && num('dropAt2')}
      {uses.momSchedule && <SelectControl name="momSchedule" disabled={disabled} />}
      {num('momMax')}
      {uses.momMin && num('momMin')}
    </div>
  );
}
