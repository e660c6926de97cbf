/** Shapes shared by every schedule. */
export type { ScheduleValue } from '../schedule';

/** Momentum held at one value, or cycled inversely to the learning rate between min and max. */
export type MomentumSpec =
  { kind: 'constant'; value: number } | { kind: 'cyclic'; max: number; min: number };
