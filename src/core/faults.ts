/**
 * Plain words for what went wrong in a run: an allocation that did not fit in memory becomes a
 * suggestion to lower the batch size, instead of a driver's error text alone.
 */

/** Error texts of a failed allocation: WebGPU, WebGL (texture limits), the JS heap (cpu). */
const OUT_OF_MEMORY =
  /out of memory|OutOfMemory|\bOOM\b|allocation failed|failed to allocate|could not allocate|exceeds the max(imum)? (buffer|texture) size|Requested texture size|Array buffer allocation|Invalid typed array length|buffer size .* exceeds/i;

export function isOutOfMemory(message: string): boolean {
  return OUT_OF_MEMORY.test(message);
}

/** A batch size to try after `batchSize` did not fit: the next power of two below it. */
export function smallerBatch(batchSize: number): number {
  if (batchSize <= 1) return 1;
  return 2 ** Math.floor(Math.log2(batchSize - 1));
}

/** The message a failed run shows: out-of-memory errors say what to change. */
export function explainRunError(message: string, batchSize: number, backend?: string): string {
  return isOutOfMemory(message) ? explainOutOfMemory(message, batchSize, backend) : message;
}

/** The message of a run known to have run out of memory (a typed error, a GPU error event). */
export function explainOutOfMemory(message: string, batchSize: number, backend?: string): string {
  const where = backend ? ` on ${backend}` : '';
  const next = smallerBatch(batchSize);
  const advice =
    batchSize > 1
      ? `Try a smaller batch size, e.g. ${next} (with a proportionally smaller LR), or a smaller model.`
      : 'Try a smaller model or another backend.';
  return `Batch size ${batchSize} does not fit in memory${where}. ${advice} (${message})`;
}
