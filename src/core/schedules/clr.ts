/**
 * Cyclical learning rates (Smith 2017) with the three built-in modes of PyTorch's `CyclicLR`.
 *
 * With half-cycle `stepSize` (iterations up, the same down) and iteration i from 0:
 *   cycle = floor(1 + i / (2·stepSize)),  x = 1 + i / (2·stepSize) − cycle   (position in the cycle, 0..1)
 *   h = x / ½ while x ≤ ½, else (x − 1) / (½ − 1)                            (0 → 1 → 0 triangle)
 *   lr = base + (max − base) · h · scale,   momentum = momMax − (momMax − momMin) · h · scale
 * where scale is 1 (triangular), 1 / 2^(cycle − 1) (triangular2) or gamma^i (exp_range, which
 * PyTorch evaluates on the global iteration, not the iteration within the cycle).
 */
import type { MomentumSpec, ScheduleValue } from './types';

export const CLR_MODES = ['triangular', 'triangular2', 'exp_range'] as const;
export type ClrMode = (typeof CLR_MODES)[number];

export interface ClrSpec {
  kind: 'clr';
  mode: ClrMode;
  baseLr: number;
  maxLr: number;
  /** Iterations in the rising half of a cycle (the falling half is the same). */
  stepSize: number;
  /** exp_range only: the amplitude is multiplied by gamma each iteration. */
  gamma: number;
  momentum: MomentumSpec;
}

export function cyclicLr(step: number, s: ClrSpec): ScheduleValue {
  const i = Math.max(0, step);
  const total = 2 * Math.max(1, s.stepSize);
  const cycle = Math.floor(1 + i / total);
  const x = 1 + i / total - cycle;
  const height = x <= 0.5 ? x / 0.5 : (x - 1) / (0.5 - 1);
  const scale =
    s.mode === 'triangular' ? 1 : s.mode === 'triangular2' ? 1 / 2 ** (cycle - 1) : s.gamma ** i;
  const lr = s.baseLr + (s.maxLr - s.baseLr) * height * scale;
  const m = s.momentum;
  const momentum = m.kind === 'constant' ? m.value : m.max - (m.max - m.min) * height * scale;
  return { lr, momentum };
}
