/** Loss-topology experiment: the line between two weight snapshots, as the page and worker share it. */

/** Losses and top-1 accuracy of w(α) = α·w1 + (1−α)·w2 on the fixed train and validation subsets. */
export interface TopologyPoint {
  alpha: number;
  trainLoss: number;
  valLoss: number;
  trainTop1: number;
  valTop1: number;
}

/** α from −0.5 to 1.5 in steps of 0.25: both snapshots, the segment and a stretch either side. */
export const TOPOLOGY_ALPHAS: readonly number[] = Array.from({ length: 9 }, (_, i) => -0.5 + i / 4);

/** Default snapshot steps: the middle and the end of the run (at least step 1, and distinct). */
export function defaultSnapshotSteps(totalSteps: number): [number, number] {
  const end = Math.max(2, totalSteps);
  return [Math.max(1, Math.min(end - 1, Math.round(end / 2))), end];
}

/** Why two snapshot steps cannot be used in a run of `totalSteps`, or null when they can. */
export function snapshotStepsError(steps: readonly number[], totalSteps: number): string | null {
  if (steps.length !== 2) return 'Choose two snapshot steps';
  const [a, b] = steps as [number, number];
  if (![a, b].every((s) => Number.isInteger(s) && s >= 1 && s <= totalSteps))
    return `Snapshot steps must be whole numbers from 1 to ${totalSteps}`;
  if (a === b) return 'The two snapshot steps must differ';
  return null;
}
