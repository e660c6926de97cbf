/**
 * Every learning-rate / momentum schedule the lab offers, as one discriminated union and one pure
 * function of the iteration. `step` counts iterations from 0 (the LR used for the first batch).
 */
import { oneCycle } from '../schedule';
import { cyclicLr, type ClrSpec } from './clr';
import { oneCycleCos, type OneCycleCosSpec } from './onecycle-cos';
import type { MomentumSpec, ScheduleValue } from './types';

export { CLR_MODES, cyclicLr, type ClrMode, type ClrSpec } from './clr';
export { cosAnneal, oneCycleCos, type OneCycleCosSpec } from './onecycle-cos';
export type { MomentumSpec, ScheduleValue } from './types';

export interface ConstantSpec {
  kind: 'constant';
  lr: number;
  momentum: number;
}

/** The conventional baseline: LR divided by gamma at each milestone (PyTorch's MultiStepLR). */
export interface MultistepSpec {
  kind: 'multistep';
  lr: number;
  /** Divisor at each milestone (the usual 10). */
  gamma: number;
  /** Epochs (fractions allowed) after which the LR drops; order does not matter. */
  milestones: number[];
  momentum: number;
}

/** Smith's linear 1cycle; see ../schedule.ts. */
export interface SmithOneCycleSpec {
  kind: 'onecycle';
  lrMin: number;
  lrMax: number;
  momentum: MomentumSpec;
  cycleFraction?: number;
  annealFactor?: number;
}

export type ScheduleSpec =
  ConstantSpec | MultistepSpec | ClrSpec | SmithOneCycleSpec | OneCycleCosSpec;

export function scheduleAt(
  step: number,
  spec: ScheduleSpec,
  totalSteps: number,
  stepsPerEpoch: number,
): ScheduleValue {
  switch (spec.kind) {
    case 'constant':
      return { lr: spec.lr, momentum: spec.momentum };
    case 'multistep': {
      // A milestone at epoch e takes effect from iteration e × stepsPerEpoch on.
      const drops = spec.milestones.filter((e) => step >= Math.round(e * stepsPerEpoch)).length;
      return { lr: spec.lr / spec.gamma ** drops, momentum: spec.momentum };
    }
    case 'clr':
      return cyclicLr(step, spec);
    case 'onecycle': {
      const m = spec.momentum;
      return oneCycle(step, {
        totalSteps,
        lrMin: spec.lrMin,
        lrMax: spec.lrMax,
        momMax: m.kind === 'cyclic' ? m.max : m.value,
        momMin: m.kind === 'cyclic' ? m.min : m.value,
        cycleFraction: spec.cycleFraction,
        annealFactor: spec.annealFactor,
      });
    }
    case 'onecycle-cos':
      return oneCycleCos(step, spec, totalSteps);
  }
}
