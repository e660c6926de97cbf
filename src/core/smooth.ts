/**
 * Exponential moving average with bias correction, as fastai's `SmoothenValue` smooths the
 * training loss: avg = β·avg + (1−β)·x, reported as avg / (1 − βⁿ) so early values are not
 * dragged towards zero.
 */

/** fastai's default smoothing factor for the recorder's loss. */
export const DEFAULT_BETA = 0.98;

export class EmaSmoother {
  private avg = 0;
  private n = 0;

  constructor(readonly beta: number = DEFAULT_BETA) {
    if (!(beta >= 0 && beta < 1)) throw new RangeError(`beta must be in [0, 1), got ${beta}`);
  }

  /** Adds one value and returns the debiased average so far. */
  push(x: number): number {
    this.n += 1;
    this.avg = this.beta * this.avg + (1 - this.beta) * x;
    return this.avg / (1 - this.beta ** this.n);
  }
}

/** Smooths a whole series; out[i] is the debiased EMA of values[0..i]. */
export function smoothSeries(values: readonly number[], beta: number = DEFAULT_BETA): number[] {
  const s = new EmaSmoother(beta);
  return values.map((x) => s.push(x));
}
