import { useMemo } from 'react';
import { DEFAULT_IMAGES_PER_SEC, demoConfigs } from '../../core/demo';
import { validateConfig } from '../../core/config';
import { OPTION_TEXT } from '../controls/fields';
import { SelectControl } from '../controls/SelectControl';
import { RunEstimate } from '../speed/RunEstimate';
import { RunPanel } from '../status/RunPanel';
import { DataStatusLine } from '../status/DataStatusLine';
import { isQueueActive } from '../store';
import { useLab } from '../store/hooks';
import { demoEpochsNow, measuredImagesPerSec, startDemo } from './actions';
import { QueueChart } from './QueueChart';
import { QueueControls, QueueTable, useQueueSeries } from './QueueParts';
import { QueueLine } from './SweepPanel';

/** Super-convergence (Smith & Topin, Fig. 5a): 1cycle at a large LR against multistep. */
export function DemoPanel() {
  const config = useLab((s) => s.config);
  const rate = useLab(measuredImagesPerSec);
  const epochs = useLab(demoEpochsNow);
  const active = useLab((s) => isQueueActive(s.queue?.kind === 'demo' ? s.queue : null));
  const { entries, series } = useQueueSeries('demo', 'steps');

  const planned = useMemo(() => demoConfigs(config, epochs), [config, epochs]);
  const errors = useMemo(
    () => planned.flatMap((p) => validateConfig(p.config).map((e) => `${p.label}: ${e.message}`)),
    [planned],
  );
  const perRunMin = (epochs * config.trainSize) / (rate > 0 ? rate : DEFAULT_IMAGES_PER_SEC) / 60;

  return (
    <RunPanel className="demo-panel" titleId="demo-title" title="Super-convergence demo">
      <p className="range-panel__lede">
        One click trains the same model, data and seed twice for the same number of iterations:
        first 1cycle with a large maximum LR (LR max from the settings), then the conventional
        multistep schedule at a tenth of it, divided by 10 at 50% and 75% of the run.
      </p>
      <form className="range-controls" onSubmit={(e) => e.preventDefault()} aria-label="Budget">
        <fieldset disabled={active}>
          <legend>Budget</legend>
          <SelectControl name="demoBudget" disabled={active} />
        </fieldset>
      </form>
      <p className="demo-plan" data-testid="demo-plan" data-epochs={epochs}>
        Each run: {epochs} epoch{epochs === 1 ? '' : 's'} of {config.trainSize} images on{' '}
        {OPTION_TEXT[config.model] ?? config.model}, about {perRunMin.toFixed(1)} min at{' '}
        {rate > 0
          ? `${Math.round(rate)} images/s (the last run of this model)`
          : `an assumed ${DEFAULT_IMAGES_PER_SEC} images/s (no run of this model measured yet)`}
        . Runs: {planned.map((p) => p.label).join(' vs ')}.
      </p>
      <QueueControls
        kind="demo"
        startLabel="Run the demo"
        startTitle="Run both schedules"
        onStart={startDemo}
        errors={errors}
      />
      <RunEstimate />
      <div className="status" data-testid="status">
        <DataStatusLine />
        <QueueLine entries={entries.length} />
      </div>
      <div className="chart-pair">
        <QueueChart
          series={series}
          metric="top1"
          xLabel="Iteration"
          best={null}
          testId="demo-accuracy"
          title="Validation accuracy against iteration, both schedules"
        />
        <QueueChart
          series={series}
          metric="loss"
          xLabel="Iteration"
          best={null}
          testId="demo-loss"
          title="Loss against iteration, both schedules"
        />
      </div>
      <p className="demo-note">
        What to look for: with 1cycle the accuracy stays low or even dips while the LR is large (the
        large LR regularizes), then climbs steeply as the LR anneals and ends above the multistep
        run trained for the same iterations. The multistep curve rises early and jumps at each LR
        drop. On tiny budgets the gap is small or absent: super-convergence needs enough iterations
        and a maximum LR found with the range test.
      </p>
      <QueueTable entries={entries} best={null} early={false} />
    </RunPanel>
  );
}
