import { writeFileSync } from 'node:fs';
import { deflateRawSync } from 'node:zlib';
import { defaultConfig } from '../src/core/config';
import { exportJson } from '../src/core/run-record';
import { packRun, toBase64Url } from '../src/core/share-codec';
import {
  corruptPayloads,
  genuineRun,
  HOSTILE_LINKS,
  HOSTILE_RUN_FILES,
} from '../test/hostile-links';
import { expect, test } from './fixtures';

/** A genuine shared result, made the way the page makes one (deflate-raw, base64url). */
function validPayload(): string {
  const bytes = packRun(genuineRun('Genuine run'));
  return toBase64Url(new Uint8Array(deflateRawSync(bytes)));
}

const CASES = [...HOSTILE_LINKS, ...corruptPayloads(validPayload())];

test('hostile links never crash the page, never run, and the notice names what was ignored', async ({
  lab,
  page,
}) => {
  let dialogs = 0;
  page.on('dialog', (d) => {
    dialogs++;
    void d.dismiss();
  });
  // Links are only read here: no data needed, so the shards stay on the server (saves minutes).
  await page.route('**/data/**', (route) => route.abort());
  // Node's HTTP server (vite preview) answers a >16 KB request line with 431 before the page can
  // load; the browser still opens the long URL, and the document comes from `/`.
  await page.route(
    (url) => url.search.length > 8000,
    (route) => route.continue({ url: new URL('/', route.request().url()).href }),
  );

  for (const c of CASES) {
    await test.step(c.name, async () => {
      await page.goto(`/?${c.query}`);
      await expect(lab.button('Start')).toBeVisible();
      const notice = page.getByTestId('url-notice');
      for (const want of c.notices) await expect(notice, c.name).toContainText(want);
      for (const [key, value] of Object.entries(c.settings ?? {})) {
        const control = key === 'model' ? page.getByLabel('Model') : lab.number(key);
        await expect(control, `${c.name}: ${key}`).toHaveValue(value);
      }
      // Anything async from the link (the shared-result decoder) has had its turn.
      await page.waitForTimeout(200);
      expect(await page.evaluate(() => (window as { __pwned?: unknown }).__pwned)).toBeUndefined();
      expect(await page.locator('img[src="x"], svg[onload], script:not([src])').count()).toBe(0);
    });
  }
  expect(dialogs).toBe(0);
});

test('hostile run-history files give a clear notice and lose no saved run', async ({
  lab,
  page,
}, testInfo) => {
  await page.route('**/data/**', (route) => route.abort());
  await page.goto('/');
  await expect(lab.button('Start')).toBeVisible();
  const input = page.getByTestId('history-import');
  const notice = page.getByTestId('import-notice');
  const rows = page.getByTestId('history-run');
  const keep = exportJson([
    {
      id: 'keep',
      name: 'Keep me',
      createdAt: 1_700_000_000_000,
      updatedAt: 1_700_000_000_000,
      config: { ...defaultConfig(), model: 'shallow3' },
      status: 'done',
      backend: 'cpu',
      imagesPerSec: 1,
      durationSec: 1,
      totalSteps: 2,
      trainCount: 2,
      valCount: 0,
      finalVal: null,
      train: [
        { step: 1, loss: 2.3, lr: 0.1, momentum: 0.9 },
        { step: 2, loss: 2.2, lr: 0.1, momentum: 0.9 },
      ],
      val: [],
    },
  ]);
  await input.setInputFiles({
    name: 'keep.json',
    mimeType: 'application/json',
    buffer: Buffer.from(keep),
  });
  await expect(notice).toContainText('keep.json: imported 1 run');
  await expect(rows).toHaveCount(1);

  let expected = 1;
  for (const c of HOSTILE_RUN_FILES) {
    await test.step(c.name, async () => {
      if (c.bytes !== undefined) {
        // Over Playwright's 50 MB buffer limit: hand it over as a file on disk.
        const path = testInfo.outputPath(c.name);
        writeFileSync(path, Buffer.alloc(c.bytes, 0x20));
        await input.setInputFiles(path);
      } else {
        await input.setInputFiles({
          name: c.name,
          mimeType: 'application/json',
          buffer: Buffer.from(c.text ?? ''),
        });
      }
      for (const want of c.notices) await expect(notice).toContainText(want);
      expected += c.imported;
      await expect(rows).toHaveCount(expected);
      await expect(rows.filter({ hasText: 'Keep me' })).toHaveCount(1);
      expect(await page.evaluate(() => (window as { __pwned?: unknown }).__pwned)).toBeUndefined();
      expect(await page.locator('img[src="x"]').count()).toBe(0);
    });
  }
  // Markup in a name is shown as text; and every run survives a reload.
  await expect(rows.filter({ hasText: '<img src=x onerror=' })).toHaveCount(1);
  await page.reload();
  await expect(rows).toHaveCount(expected);
  await expect(rows.filter({ hasText: 'Keep me' })).toHaveCount(1);
});
