import { describe, expect, it } from 'vitest';
import { configToQuery, defaultConfig } from './config';
import {
  linkToQuery,
  mapValue,
  migrateEntries,
  parseHide,
  parseLink,
  renameKeys,
  URL_VERSION,
  type Migration,
  type QueryEntry,
} from './link';

const entries = (q: string): QueryEntry[] =>
  q.split('&').map((p) => {
    const [k, v = ''] = p.split('=');
    return [decodeURIComponent(k ?? ''), decodeURIComponent(v)];
  });

describe('parseLink: versions', () => {
  const config = { ...defaultConfig(), model: 'shallow3' as const, lrMax: 0.05, epochs: 3 };

  it('reads its own links back unchanged, with no notices', () => {
    const link = parseLink(entries(linkToQuery({ config, hide: ['seed', 'chart.schedule'] })));
    expect(link).toEqual({
      version: URL_VERSION,
      config,
      hide: ['seed', 'chart.schedule'],
      shared: null,
      sweepValues: null,
      notices: [],
    });
  });

  it('treats an unversioned (pre-`v`) link as version 1 and reads it the same', () => {
    const old = parseLink(entries(configToQuery(config)));
    expect(old.version).toBe(1);
    expect(old.config).toEqual(config);
    expect(old.notices).toEqual([]);
  });

  it('opens a future-version link with a notice and still reads what it can', () => {
    const link = parseLink(entries(`v=${URL_VERSION + 1}&lrMax=0.3&newThing=7`));
    expect(link.version).toBe(URL_VERSION + 1);
    expect(link.config.lrMax).toBe(0.3);
    expect(link.notices[0]).toMatch(/^v: .*newer version of the lab.*some settings may be ignored/);
    expect(link.notices).toContain('newThing: not a setting of this lab; ignored');
  });

  it.each([
    ['abc', 1],
    ['0', 1],
    ['1.5', 1],
    ['-3', 1],
  ])('a bad version %s is read as 1 with a notice', (v, version) => {
    const link = parseLink([['v', v]]);
    expect(link.version).toBe(version);
    expect(link.notices[0]).toMatch(/^v: .* not a link version/);
  });
});

describe('migrations', () => {
  // A made-up history: v1 called lrMax `lr`; v2 stored weight decay in units of 1e-4.
  const table: Record<number, Migration> = {
    1: renameKeys({ lr: 'lrMax' }),
    2: mapValue('wd', (v) => String(Number(v) * 1e-4)),
  };

  const v1: QueryEntry[] = [
    ['lr', '0.3'],
    ['wd', '5'],
    ['seed', '4'],
  ];
  it.each<[number, QueryEntry[]]>([
    [1, v1],
    [
      2,
      [
        ['lrMax', '0.3'],
        ['wd', '5'],
        ['seed', '4'],
      ],
    ],
    [
      3,
      [
        ['lrMax', '0.3'],
        ['wd', String(5 * 1e-4)],
        ['seed', '4'],
      ],
    ],
  ])('a version-1 link brought to version %i goes through the table in order', (to, want) => {
    expect(migrateEntries(v1, 1, to, table)).toEqual(want);
  });

  it('a migrated old link then parses through the schema', () => {
    const migrated = migrateEntries(v1, 1, 3, table);
    const link = parseLink(migrated);
    expect(link.config).toMatchObject({ lrMax: 0.3, wd: 5e-4, seed: 4 });
    expect(link.notices).toEqual([]);
  });

  it('a link already at the target version passes through unchanged', () => {
    const e: QueryEntry[] = [['lr', '1']];
    expect(migrateEntries(e, 3, 3, table)).toEqual(e);
  });
});

describe('hide (classroom mode)', () => {
  it('keeps known names in order, once each, and lists unknown ones', () => {
    expect(parseHide('seed, chart.schedule,,seed,bogus,<b>')).toEqual({
      hide: ['seed', 'chart.schedule'],
      unknown: ['bogus', '<b>'],
    });
  });

  it('names unknown hide entries in the notices; hidden keys keep their values', () => {
    const link = parseLink(entries('lrMax=0.2&hide=lrMax,nope&hide=wd'));
    expect(link.hide).toEqual(['lrMax', 'wd']);
    expect(link.config.lrMax).toBe(0.2);
    expect(link.notices).toEqual(['hide: nope not part of this lab; ignored']);
  });

  it('writes hide after the settings, with readable commas', () => {
    const q = linkToQuery({ config: defaultConfig(), hide: ['seed', 'chart.schedule'] });
    expect(q.startsWith(`v=${URL_VERSION}&model=`)).toBe(true);
    expect(q.endsWith('&hide=seed,chart.schedule')).toBe(true);
  });
});

describe('shared payload key', () => {
  it('passes the last r= through untouched for the page to decode', () => {
    expect(
      parseLink([
        ['r', 'abc'],
        ['r', 'Zm9v-_'],
      ]).shared,
    ).toBe('Zm9v-_');
    expect(
      parseLink(entries(linkToQuery({ config: defaultConfig(), shared: 'x-_y' }))).shared,
    ).toBe('x-_y');
  });
});
