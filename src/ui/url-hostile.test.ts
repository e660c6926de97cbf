import { describe, expect, it } from 'vitest';
import { CONFIG_KEYS, SCHEMA, type TrainConfig } from '../core/config';
import {
  corruptPayloads,
  genuineRun,
  HOSTILE_LINKS,
  type HostileLink,
} from '../../test/hostile-links';
import { decodeShared, encodeShared } from './share/share';
import { readUrlLink } from './url-state';

/** What the page shows for a link: the link's notices, then the shared result's (as main.tsx does). */
async function noticesFor(query: string): Promise<{ config: TrainConfig; notices: string[] }> {
  const link = readUrlLink(`?${query}`);
  const notices = [...link.notices];
  if (link.shared !== null) {
    const out = await decodeShared(link.shared);
    if (!out.ok) notices.push(`r: ${out.error}; no shared result is shown`);
    else notices.push(...out.notices);
  }
  return { config: link.config, notices };
}

function expectSafe(config: TrainConfig): void {
  // Every setting is one the schema allows, whatever the link said.
  expect(Object.keys(config).sort()).toEqual([...CONFIG_KEYS].sort());
  for (const key of CONFIG_KEYS) {
    const field = SCHEMA[key];
    const v = config[key];
    if (field.kind === 'enum') expect(field.values as readonly unknown[]).toContain(v);
    else {
      expect(Number.isFinite(v), key).toBe(true);
      expect(v as number).toBeGreaterThanOrEqual(field.min);
      expect(v as number).toBeLessThanOrEqual(field.max);
    }
  }
  expect(({} as Record<string, unknown>).polluted).toBeUndefined();
}

function expectNotices(notices: string[], c: HostileLink): void {
  for (const want of c.notices) {
    const hit = notices.some((n) => (typeof want === 'string' ? n.includes(want) : want.test(n)));
    expect(hit, `${c.name}: a notice matching ${String(want)} in\n${notices.join('\n')}`).toBe(
      true,
    );
  }
  // The banner stays readable: a few dozen short lines at most, however long the link.
  expect(notices.length).toBeLessThanOrEqual(40);
  for (const n of notices) expect(n.length).toBeLessThanOrEqual(240);
}

describe('hostile links', () => {
  it.each(HOSTILE_LINKS.map((c) => [c.name, c] as const))('%s', async (_name, c) => {
    const { config, notices } = await noticesFor(c.query);
    expectSafe(config);
    expectNotices(notices, c);
    for (const [key, value] of Object.entries(c.settings ?? {}))
      expect(String(config[key as keyof TrainConfig]), key).toBe(value);
  });

  it('a corrupt copy of a real shared result is refused or read safely, never thrown', async () => {
    const valid = await encodeShared(genuineRun('<script>window.__pwned=1</script>'));
    // The genuine payload reads back, its name kept as text.
    const good = await decodeShared(valid);
    expect(good.ok && good.run.name).toBe('<script>window.__pwned=1</script>');
    for (const c of corruptPayloads(valid)) {
      const { config, notices } = await noticesFor(c.query);
      expectSafe(config);
      expectNotices(notices, c);
    }
  });
});
