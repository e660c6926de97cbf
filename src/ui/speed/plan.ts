/** The runs the current mode's Start would make, for the time estimate shown before it. */
import { validateConfig } from '../../core/config';
import { demoConfigs } from '../../core/demo';
import type { PlannedRun } from '../../core/estimate';
import { rangeConfigErrors } from '../../core/range-test';
import { sweepEvalsPerEpoch } from '../../core/sweep';
import type { LabState } from '../store';
import { sweepItems } from '../sweep/actions';

/** What the plan depends on; `demoEpochs` as the demo panel sizes it (sweep/actions' demoEpochsNow). */
export type PlanView = Pick<LabState, 'config' | 'sweepText'> & { demoEpochs: number };

/** What Start starts in this mode; [] when the settings cannot run (their errors say why). */
export function plannedRuns(s: PlanView): PlannedRun[] {
  const c = s.config;
  switch (c.mode) {
    case 'range':
      return rangeConfigErrors(c).length > 0 ? [] : [{ config: c, rangeSteps: c.rangeSteps }];
    case 'sweep': {
      const runs = sweepItems(s).map((item) =>
        item.range
          ? { config: item.config, rangeSteps: item.range.steps }
          : { config: item.config, evalsPerEpoch: sweepEvalsPerEpoch(item.config.epochs) },
      );
      return runs.every((r) => r.rangeSteps !== undefined || validateConfig(r.config).length === 0)
        ? runs
        : [];
    }
    case 'demo': {
      const runs = demoConfigs(c, s.demoEpochs).map((d) => ({ config: d.config }));
      return runs.every((r) => validateConfig(r.config).length === 0) ? runs : [];
    }
    default:
      return validateConfig(c).length > 0 ? [] : [{ config: c }];
  }
}

/** The estimate's opening words, by what is being timed. */
export function planSubject(mode: LabState['config']['mode'], runs: number): string {
  if (mode === 'range') return 'This range test takes';
  if (mode === 'sweep' || mode === 'demo') return `These ${runs} runs take`;
  return 'These settings take';
}
