/**
 * Issue 14, classroom mode (`hide=`): a group whose settings are all hidden loses its heading,
 * the shared-result banner never prints a hidden value, and the tabs and topology panel hide.
 */
import { deflateRawSync } from 'node:zlib';
import { linkToQuery } from '../src/core/link';
import { packRun, toBase64Url } from '../src/core/share-codec';
import { genuineRun } from '../test/hostile-links';
import { TINY, expect, query, test } from './fixtures';

test('hidden groups lose their headings; tabs and the topology panel can be hidden', async ({
  lab,
  page,
}, testInfo) => {
  await page.route('**/data/**', (route) => route.abort());
  await page.goto(
    query({
      ...TINY,
      hide: 'model,dataset,trainSize,valSize,seed,backend,tabs,panel.topology',
    }),
  );
  await expect(lab.button('Start')).toBeVisible();
  const form = page.getByRole('form', { name: 'Training settings' });
  await expect(form.getByText('Schedule', { exact: true })).toBeVisible();
  await expect(form.getByText('Network and data')).toHaveCount(0);
  await expect(form.getByText('Reproducibility and hardware')).toHaveCount(0);
  await expect(page.getByRole('tablist')).toHaveCount(0);
  await expect(page.locator('.topology-panel')).toHaveCount(0);
  await testInfo.attach('classroom.png', {
    body: await page.screenshot(),
    contentType: 'image/png',
  });
});

test('the shared-result banner never prints a hidden LR or seed', async ({ lab, page }) => {
  const run = {
    ...genuineRun('Class result'),
    config: { ...genuineRun('x').config, lrMax: 0.123, seed: 4242 },
  };
  const r = toBase64Url(new Uint8Array(deflateRawSync(packRun(run))));
  await page.goto(
    `/?${linkToQuery({ config: run.config, shared: r, hide: ['lrMin', 'lrMax', 'seed'] })}`,
  );
  const banner = page.getByTestId('shared-result');
  await expect(banner).toContainText('Class result');
  await expect(banner).toContainText('weight decay');
  await expect(banner).not.toContainText('0.123');
  await expect(banner).not.toContainText('4242');
  await expect(banner).not.toContainText(/\bLR\b/);
  await expect(lab.number('lrMax')).toHaveCount(0);
});
