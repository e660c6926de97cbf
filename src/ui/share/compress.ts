/** deflate-raw through the browser's CompressionStream, with a cap against decompression bombs. */

async function pipe(
  bytes: Uint8Array,
  stream: CompressionStream | DecompressionStream,
  max: number,
) {
  const writer = stream.writable.getWriter();
  // Errors surface on the reader; the writer's own promises are awaited only to avoid unhandled rejections.
  writer.write(bytes as Uint8Array<ArrayBuffer>).catch(() => undefined);
  writer.close().catch(() => undefined);
  const reader = stream.readable.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.length;
    if (total > max) {
      await reader.cancel();
      throw new Error(`more than ${max} bytes after decompression`);
    }
    chunks.push(value);
  }
  const out = new Uint8Array(total);
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.length;
  }
  return out;
}

export function deflateRaw(bytes: Uint8Array): Promise<Uint8Array> {
  return pipe(bytes, new CompressionStream('deflate-raw'), Infinity);
}

/** Rejects on corrupt input, and on anything inflating past `max` bytes. */
export function inflateRaw(bytes: Uint8Array, max = 1 << 20): Promise<Uint8Array> {
  return pipe(bytes, new DecompressionStream('deflate-raw'), max);
}
