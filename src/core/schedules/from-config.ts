/** The training configuration's schedule settings as a ScheduleSpec. */
import { clrStepIterations, type EngineConfig, type ScheduleName } from '../config';
import type { ClrMode } from './clr';
import type { ScheduleSpec } from './index';
import type { MomentumSpec } from './types';

const CLR_MODE: Record<Extract<ScheduleName, `clr-${string}`>, ClrMode> = {
  'clr-triangular': 'triangular',
  'clr-triangular2': 'triangular2',
  'clr-exp-range': 'exp_range',
};

export function scheduleFromConfig(c: EngineConfig, stepsPerEpoch: number): ScheduleSpec {
  const momentum: MomentumSpec =
    c.momSchedule === 'cyclic'
      ? { kind: 'cyclic', max: c.momMax, min: c.momMin }
      : { kind: 'constant', value: c.momMax };
  switch (c.schedule) {
    case 'constant':
      return { kind: 'constant', lr: c.lrMax, momentum: c.momMax };
    case 'multistep':
      return {
        kind: 'multistep',
        lr: c.lrMax,
        gamma: c.dropFactor,
        milestones: [c.dropAt1, c.dropAt2].map((pct) => (pct / 100) * c.epochs),
        momentum: c.momMax,
      };
    case 'onecycle':
      return { kind: 'onecycle', lrMin: c.lrMin, lrMax: c.lrMax, momentum };
    case 'onecycle-cos':
      // div = max / min, so the run starts at LR min as the slider says.
      return {
        kind: 'onecycle-cos',
        convention: 'pytorch',
        maxLr: c.lrMax,
        divFactor: c.lrMax / c.lrMin,
        finalDiv: c.finalDiv,
        pctStart: c.pctStart,
        threePhase: c.threePhase === 'on',
        momentum,
      };
    case 'clr-triangular':
    case 'clr-triangular2':
    case 'clr-exp-range':
      return {
        kind: 'clr',
        mode: CLR_MODE[c.schedule],
        baseLr: c.lrMin,
        maxLr: c.lrMax,
        stepSize: clrStepIterations(c, stepsPerEpoch),
        gamma: c.clrGamma,
        momentum,
      };
  }
}
