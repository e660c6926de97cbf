import { deflateRawSync } from 'node:zlib';
import type { Browser, Locator, Page } from '@playwright/test';
import { defaultConfig } from '../src/core/config';
import { linkToQuery } from '../src/core/link';
import { packRun, toBase64Url, type SharedRun } from '../src/core/share-codec';
import { Lab, TINY, expect, query, test } from './fixtures';

/** A finished 2-epoch run as another student's browser would have shared it. */
function sharedRun(): SharedRun {
  const config = {
    ...defaultConfig(),
    model: 'shallow3' as const,
    epochs: 2,
    lrMin: 0.005,
    lrMax: 0.05,
    seed: 9,
  };
  const train = Array.from({ length: 300 }, (_, i) => ({
    step: i + 1,
    loss: 2.3 * Math.exp(-i / 120) + 0.1 * Math.sin(i),
    // Annealed in the second epoch, so a hover shows the LR and momentum of its own row.
    lr: i < 150 ? 0.05 : 0.02,
    momentum: i < 150 ? 0.85 : 0.95,
  }));
  return {
    config,
    name: 'Ada’s shallow net',
    state: 'done',
    backend: 'webgpu',
    imagesPerSec: 410,
    durationSec: 95,
    totalSteps: 300,
    createdAt: Date.UTC(2026, 10, 20),
    train,
    val: [
      { step: 150, epoch: 1, loss: 1.6, top1: 0.41, top5: 0.88 },
      { step: 300, epoch: 2, loss: 1.3, top1: 0.52, top5: 0.93 },
    ],
  };
}

function sharedLink(run: SharedRun): string {
  const r = toBase64Url(deflateRawSync(packRun(run)));
  return `/?${linkToQuery({ config: run.config, shared: r })}`;
}

/** A fresh browser context: no cache, no IndexedDB, nothing from an earlier page. */
async function freshPage(browser: Browser): Promise<{ page: Page; errors: string[] }> {
  const context = await browser.newContext();
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  return { page, errors };
}

test('a shared-result link shows the curves at once, marked shared, without training', async ({
  browser,
}) => {
  const run = sharedRun();
  const { page, errors } = await freshPage(browser);
  await page.goto(sharedLink(run));
  const lab = new Lab(page);

  const banner = page.getByTestId('shared-result');
  await expect(banner).toContainText('Shared result');
  await expect(banner).toContainText('Ada’s shallow net');
  await expect(banner).toContainText(/Shallow 3-layer net.*2 epochs/);
  // 300 training points thinned to 200 bucket means, both validation points kept.
  await expect(lab.chart).toHaveAttribute('data-train-points', '200');
  await expect(lab.chart).toHaveAttribute('data-val-points', '2');
  await expect(lab.chart.locator('.recharts-line').first()).toBeVisible();
  // Its settings are in the controls, and nothing is training.
  await expect(lab.number('lrMax')).toHaveValue('0.05');
  await expect(lab.number('seed')).toHaveValue('9');
  await expect(lab.button('Stop')).toBeDisabled();
  await expect(page.getByTestId('url-notice')).toHaveCount(0);
  // The link keeps the payload while the result is on show.
  await expect(page).toHaveURL(/[?&]r=/);

  // Sharing it again produces a link that another fresh browser opens the same way.
  await page.getByRole('button', { name: 'Share result' }).click();
  const again = await page.getByTestId('share-link').inputValue();
  expect(again).toMatch(/^http:\/\/localhost:\d+\/\?v=1&model=shallow3.*&r=[A-Za-z0-9_-]+$/);
  const second = await freshPage(browser);
  await second.page.goto(again);
  await expect(second.page.getByTestId('shared-result')).toContainText('Ada’s shallow net');
  await expect(second.page.getByTestId('loss-chart')).toHaveAttribute('data-train-points', '200');
  expect([...errors, ...second.errors]).toEqual([]);
});

test('"Run it again" starts a fresh run with the shared settings', async ({ lab, page }) => {
  const run = sharedRun();
  run.config = { ...run.config, ...{ trainSize: 256, valSize: 64, batchSize: 16, epochs: 2 } };
  await page.goto(sharedLink(run));
  await expect(lab.status).toContainText(/ready/i, { timeout: 120_000 });
  await lab.number('lrMax').fill('0.3');
  await lab.number('lrMax').press('Enter');
  await page.getByRole('button', { name: 'Run it again' }).click();
  await expect(page.getByTestId('shared-result')).toHaveCount(0);
  await expect(lab.number('lrMax')).toHaveValue('0.05');
  await expect(lab.button('Stop')).toBeEnabled();
  await expect(page).not.toHaveURL(/[?&]r=/);
  await lab.button('Stop').click();
  await expect(lab.button('Start')).toBeEnabled({ timeout: 120_000 });
});

test('a corrupt or truncated r= gets a notice, never a crash', async ({ lab, page }) => {
  const good = toBase64Url(deflateRawSync(packRun(sharedRun())));
  // Truncated, too short to be deflate, not base64url, and junk after the deflate stream's end.
  for (const bad of [
    good.slice(0, Math.floor(good.length / 2)),
    'AAAA',
    '!!notbase64',
    good + 'AAAAAAAA',
  ]) {
    await page.goto(`${query(TINY)}&r=${encodeURIComponent(bad)}`);
    await expect(page.getByTestId('url-notice')).toContainText(/r: .*no shared result is shown/);
    await expect(page.getByTestId('shared-result')).toHaveCount(0);
    await expect(lab.chart).toHaveAttribute('data-train-points', '0');
    await expect(lab.button('Start')).toBeVisible();
  }
});

test('future-version links and classroom mode', async ({ lab, page }) => {
  await page.goto(`${query(TINY)}&v=7&hide=seed,chart.schedule,panel.history,bogus`);
  const notice = page.getByTestId('url-notice');
  await expect(notice).toContainText('made by a newer version of the lab');
  await expect(notice).toContainText('bogus');
  // Hidden controls are gone, their values stay in the link.
  await expect(lab.number('seed')).toHaveCount(0);
  await expect(page.getByTestId('history')).toHaveCount(0);
  await expect(lab.number('lrMax')).toBeVisible();
  await lab.number('epochs').fill('3');
  await lab.number('epochs').press('Enter');
  await expect(page).toHaveURL(/[?&]seed=7&/);
  await expect(page).toHaveURL(/[?&]hide=seed,chart.schedule,panel.history$/);
  await expect(page).toHaveURL(/\?v=1&/);
});

test('hovering the charts shows step, epoch, LR, momentum and the values', async ({
  lab,
  page,
}) => {
  await page.goto(sharedLink(sharedRun()));
  await expect(lab.chart).toHaveAttribute('data-train-points', '200');

  // The last dot of each chart is the second evaluation: step 300, the end of epoch 2.
  const loss = await hoverLastRow(page, lab.chart);
  await expect(fact(loss, 'Step')).toHaveText('300');
  await expect(fact(loss, 'Epoch')).toHaveText('2.00');
  await expect(fact(loss, 'LR')).toHaveText('0.02');
  await expect(fact(loss, 'Momentum')).toHaveText('0.95');
  await expect(fact(loss, 'Validation loss')).toHaveText('1.3');
  await expect(fact(loss, 'Train loss (smoothed)')).toHaveText(/^\d\.\d+$/);

  const accuracy = await hoverLastRow(page, page.getByTestId('accuracy-chart'));
  await expect(fact(accuracy, 'Step')).toHaveText('300');
  await expect(fact(accuracy, 'Epoch')).toHaveText('2.00');
  await expect(fact(accuracy, 'LR')).toHaveText('0.02');
  await expect(fact(accuracy, 'Momentum')).toHaveText('0.95');
  await expect(fact(accuracy, 'Top-1')).toHaveText('52%');
  await expect(fact(accuracy, 'Top-5')).toHaveText('93%');

  const gap = await hoverLastRow(page, page.getByTestId('gap-chart'));
  await expect(fact(gap, 'Step')).toHaveText('300');
  await expect(fact(gap, 'Generalisation error')).toHaveText(/^-?\d\.\d+$/);
});

/** Hovers a chart's last data dot (the last evaluation, inside the plot area) and returns its tooltip. */
async function hoverLastRow(page: Page, chart: Locator): Promise<Locator> {
  const dot = chart.locator('.recharts-line-dots circle').last();
  const tip = chart.getByTestId('chart-tooltip');
  // Retried: the page may still shift (data loading above) between measuring and moving.
  await expect(async () => {
    await dot.scrollIntoViewIfNeeded();
    const box = await dot.boundingBox();
    if (!box) throw new Error('chart has no data dot');
    const [x, y] = [box.x + box.width / 2, box.y + box.height / 2];
    // Several moves, as a hand would: recharts follows pointer moves over its wrapper.
    await page.mouse.move(x - 60, y);
    await page.mouse.move(x, y, { steps: 4 });
    await expect(tip).toBeVisible({ timeout: 2_000 });
  }).toPass({ timeout: 30_000 });
  return tip;
}

/** The value the tooltip shows beside `label`. */
function fact(tip: Locator, label: string): Locator {
  return tip
    .locator('div')
    .filter({ has: tip.page().locator('dt', { hasText: new RegExp(`^${escape(label)}$`) }) })
    .locator('dd');
}

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
