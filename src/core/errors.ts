/**
 * Errors the lab itself raises, told apart by `kind` (or `instanceof`) instead of by matching
 * their message text: a message can be reworded without breaking whoever reacts to it.
 */

export type LabErrorKind = 'data-missing' | 'out-of-memory' | 'no-checkpoint';

export abstract class LabError extends Error {
  abstract readonly kind: LabErrorKind;
}

/** No dataset manifest where it was looked for: the page offers to prepare or pick the data. */
export class DataMissingError extends LabError {
  readonly kind = 'data-missing';
}

/** An allocation that did not fit (the e2e build's injected fault raises it too). */
export class OutOfMemoryError extends LabError {
  readonly kind = 'out-of-memory';
}

/** A resume was asked for, but the run has no stored checkpoint. */
export class NoCheckpointError extends LabError {
  readonly kind = 'no-checkpoint';
}

export function isLabError<K extends LabErrorKind>(
  err: unknown,
  kind: K,
): err is LabError & { kind: K } {
  return err instanceof LabError && err.kind === kind;
}

export function messageOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
