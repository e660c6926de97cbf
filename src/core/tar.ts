/**
 * A reader for ustar / GNU tar archives held in memory: regular files only.
 * Hand-written, with zero dependencies, because the same code runs in Node and in the browser worker.
 */

export interface TarFile {
  /** Path inside the archive, without a leading `./`. */
  name: string;
  /** The file's bytes: a view into the archive, not a copy. */
  data: Uint8Array;
}

const BLOCK = 512;

/** Every regular file in the archive, in archive order. Throws a readable error on damage. */
export function readTar(bytes: Uint8Array): TarFile[] {
  if (bytes.length === 0) throw new Error('not a tar archive: it is empty');
  const files: TarFile[] = [];
  let offset = 0;
  // Set by a GNU 'L' entry or a pax 'x' header; names the entry that follows.
  let pendingName: string | undefined;
  while (offset < bytes.length) {
    const remaining = bytes.length - offset;
    if (remaining < BLOCK) {
      if (isZero(bytes.subarray(offset))) break;
      throw new Error(
        `truncated tar archive: it ends inside a header (${remaining} of 512 bytes at byte ${formatInt(offset)})`,
      );
    }
    const header = bytes.subarray(offset, offset + BLOCK);
    if (isZero(header)) break; // end-of-archive marker
    checkHeader(header, offset);
    const size = readSize(header, offset);
    const type = String.fromCharCode(header[156] ?? 0);
    const name = pendingName ?? headerName(header);
    const start = offset + BLOCK;
    if (start + size > bytes.length) {
      throw new Error(
        `truncated tar archive: ${name} needs ${formatInt(size)} bytes but only ${formatInt(bytes.length - start)} remain`,
      );
    }
    const data = bytes.subarray(start, start + size);
    offset = start + Math.ceil(size / BLOCK) * BLOCK;

    if (type === 'L') {
      pendingName = cString(data);
    } else if (type === 'x') {
      pendingName = paxPath(data) ?? pendingName;
    } else if (type === 'g' || type === 'K') {
      // Global pax defaults and GNU long link names do not name the next file: skip.
    } else {
      if (type === '0' || type === '\0' || type === '7') files.push({ name: clean(name), data });
      pendingName = undefined; // directories, links, devices: skipped
    }
  }
  if (pendingName !== undefined) {
    throw new Error(`truncated tar archive: it ends after the long name of ${pendingName}`);
  }
  return files;
}

/** 1,234,567: thousands separators without Intl, so messages read the same everywhere. */
export function formatInt(n: number): string {
  return String(n).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}

function checkHeader(header: Uint8Array, offset: number): void {
  const what = offset === 0 ? 'not a tar archive' : 'corrupt tar archive';
  const storedText = ascii(header.subarray(148, 156))
    .replace(/[\0 ]+$/, '')
    .trim();
  if (!/^[0-7]+$/.test(storedText)) {
    throw new Error(`${what}: no valid header at byte ${formatInt(offset)}`);
  }
  const stored = parseInt(storedText, 8);
  let unsigned = 0;
  let signed = 0;
  for (let i = 0; i < BLOCK; i++) {
    const b = i >= 148 && i < 156 ? 0x20 : (header[i] ?? 0);
    unsigned += b;
    signed += b > 127 ? b - 256 : b; // some old tars summed signed bytes
  }
  if (stored !== unsigned && stored !== signed) {
    throw new Error(`${what}: header checksum mismatch at byte ${formatInt(offset)}`);
  }
}

function readSize(header: Uint8Array, offset: number): number {
  const field = header.subarray(124, 136);
  if (((field[0] ?? 0) & 0x80) !== 0) {
    // GNU base-256 encoding, used for files of 8 GiB and more.
    let n = (field[0] ?? 0) & 0x7f;
    for (let i = 1; i < field.length; i++) n = n * 256 + (field[i] ?? 0);
    return n;
  }
  const text = ascii(field)
    .replace(/[\0 ]+$/, '')
    .trim();
  if (!/^[0-7]*$/.test(text)) {
    throw new Error(`corrupt tar archive: bad size field at byte ${formatInt(offset)}`);
  }
  return text === '' ? 0 : parseInt(text, 8);
}

function headerName(header: Uint8Array): string {
  const name = cString(header.subarray(0, 100));
  // Only POSIX ustar ("ustar\0") has a prefix field; GNU keeps other data there.
  const posix = ascii(header.subarray(257, 263)) === 'ustar\0';
  const prefix = posix ? cString(header.subarray(345, 500)) : '';
  return prefix ? `${prefix}/${name}` : name;
}

/** The `path` record of a pax extended header ("<len> path=<value>\n" records). */
function paxPath(data: Uint8Array): string | undefined {
  const text = utf8(data);
  let i = 0;
  let path: string | undefined;
  while (i < text.length) {
    const space = text.indexOf(' ', i);
    if (space < 0) break;
    const len = parseInt(text.slice(i, space), 10);
    if (!(len > 0)) break;
    // Lengths count bytes; for ASCII keys the record is found by its newline instead.
    const end = text.indexOf('\n', space);
    if (end < 0) break;
    const record = text.slice(space + 1, end);
    if (record.startsWith('path=')) path = record.slice(5);
    i = end + 1;
  }
  return path;
}

function clean(name: string): string {
  return name.replace(/^(\.\/)+/, '');
}

function isZero(bytes: Uint8Array): boolean {
  for (const b of bytes) if (b !== 0) return false;
  return true;
}

function cString(bytes: Uint8Array): string {
  const end = bytes.indexOf(0);
  return utf8(end < 0 ? bytes : bytes.subarray(0, end));
}

function ascii(bytes: Uint8Array): string {
  let out = '';
  const CHUNK = 8192; // keeps the spread argument list small
  for (let i = 0; i < bytes.length; i += CHUNK) {
    out += String.fromCharCode(...bytes.subarray(i, i + CHUNK));
  }
  return out;
}

/** UTF-8 decoding without TextDecoder (not part of the ES2022 library that core compiles against). */
export function utf8(bytes: Uint8Array): string {
  if (bytes.every((b) => b < 0x80)) return ascii(bytes);
  try {
    return decodeURIComponent(
      Array.from(bytes, (b) => '%' + b.toString(16).padStart(2, '0')).join(''),
    );
  } catch {
    return ascii(bytes); // not UTF-8: show the bytes as Latin-1
  }
}
