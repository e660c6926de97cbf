import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { writeTar } from '../../test/cifarFixture';
import { formatInt, readTar } from './tar';

const dir = mkdtempSync(path.join(tmpdir(), 'tar-test-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const text = (s: string): Uint8Array => new TextEncoder().encode(s);
const decode = (b: Uint8Array): string => new TextDecoder().decode(b);

/** Archives made by GNU tar itself, so the reader meets real-world headers. */
function gnuTar(format: 'gnu' | 'pax' | 'ustar', entries: string[]): Uint8Array {
  const out = path.join(dir, `out-${format}.tar`);
  execFileSync('tar', [`--format=${format}`, '-cf', out, '-C', path.join(dir, 'src'), ...entries]);
  return readFileSync(out);
}

// A tree with a 150-character path, a directory and a symlink: only the two files should come back.
const deep = `${'d'.repeat(60)}/${'e'.repeat(60)}`;
const longName = `${deep}/data_batch_1_with_a_long_name.bin`;
mkdirSync(path.join(dir, 'src', deep), { recursive: true });
writeFileSync(path.join(dir, 'src', longName), 'x'.repeat(700));
writeFileSync(path.join(dir, 'src', 'short.txt'), 'hello\n');
symlinkSync('short.txt', path.join(dir, 'src', 'link.txt'));

describe('readTar', () => {
  it('reads the files of a ustar archive, in order', () => {
    const files = readTar(
      writeTar([
        { name: 'a/one.txt', data: text('first') },
        { name: './two.bin', data: new Uint8Array(513).fill(7) },
        { name: 'empty', data: new Uint8Array(0) },
      ]),
    );
    expect(files.map((f) => f.name)).toEqual(['a/one.txt', 'two.bin', 'empty']);
    expect(decode(files[0]!.data)).toBe('first');
    expect(files[1]!.data).toEqual(new Uint8Array(513).fill(7));
    expect(files[2]!.data.length).toBe(0);
  });

  it.each(['gnu', 'pax', 'ustar'] as const)(
    'reads long names, skips dirs and links (GNU tar --format=%s)',
    (format) => {
      const files = readTar(gnuTar(format, ['short.txt', 'link.txt', 'd'.repeat(60)]));
      expect(files.map((f) => f.name)).toEqual(['short.txt', longName]);
      expect(decode(files[0]!.data)).toBe('hello\n');
      expect(files[1]!.data.length).toBe(700);
    },
  );

  it('names the file when the archive is cut inside its data', () => {
    const tar = writeTar([{ name: 'cifar/data_batch_3.bin', data: new Uint8Array(3000) }]);
    expect(() => readTar(tar.subarray(0, 2048))).toThrow(
      'truncated tar archive: cifar/data_batch_3.bin needs 3,000 bytes but only 1,536 remain',
    );
  });

  it('says when the archive is cut inside a header', () => {
    const tar = writeTar([
      { name: 'a', data: text('x') },
      { name: 'b', data: text('y') },
    ]);
    expect(() => readTar(tar.subarray(0, 1024 + 100))).toThrow(/ends inside a header/);
  });

  it('rejects bytes that are not a tar archive, and a damaged header', () => {
    const garbage = new Uint8Array(4096).map((_, i) => (i * 7919) % 251);
    expect(() => readTar(garbage)).toThrow(/^not a tar archive/);
    expect(() => readTar(text('hello'))).toThrow(/not a tar archive|truncated/);
    expect(() => readTar(new Uint8Array(0))).toThrow('not a tar archive: it is empty');
    const tar = writeTar([
      { name: 'a', data: text('x') },
      { name: 'b', data: text('y') },
    ]);
    tar[1024 + 3] = 0x7f; // second header's name
    expect(() => readTar(tar)).toThrow(
      'corrupt tar archive: header checksum mismatch at byte 1,024',
    );
  });

  it.each([
    [0, '0'],
    [999, '999'],
    [3073, '3,073'],
    [30_729_999, '30,729,999'],
  ])('formatInt(%i) = %s', (n, s) => {
    expect(formatInt(n)).toBe(s);
  });
});
