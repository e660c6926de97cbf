/**
 * How many steps pass between GPU→CPU loss readbacks. Long runs read every 20 steps (one sync
 * per 20 keeps the GPU queue full); short demo runs read more often so the chart still moves.
 */
export function readbackInterval(totalSteps: number): number {
  return Math.min(20, Math.max(1, Math.floor(totalSteps / 20)));
}
