import { TINY, expect, query, test } from './fixtures';
import { savedTrainPoints } from './history-db';

test('a run reloaded mid-run stays in the history, shown as interrupted', async ({ lab, page }) => {
  // The cpu backend skips WebGPU shader compiles: the first points come sooner on SwiftShader.
  await page.goto(query({ ...TINY, epochs: '4', backend: 'cpu' }));
  await expect(lab.status).toContainText(/ready/i, { timeout: 120_000 });
  await lab.button('Start').click();
  const row = page.getByTestId('history-run').first();
  await expect(row).toHaveAttribute('data-status', 'running', { timeout: 120_000 });
  await expect.poll(() => lab.trainPoints(), { timeout: 120_000 }).toBeGreaterThan(2);
  // Points are saved every 2 s: wait until some are stored.
  await expect.poll(() => savedTrainPoints(page)).toBeGreaterThan(2);

  await page.reload();
  await expect(row).toHaveAttribute('data-status', 'interrupted');
  await expect(row).toContainText('Shallow 3-layer net');
  await expect(lab.chart).toHaveAttribute('data-train-points', '0');

  // Its saved curve can be drawn over the chart, named in the legend.
  const name = await row.locator('.history__name').innerText();
  await row.getByRole('button', { name: 'Overlay' }).click();
  await expect(
    lab.chart.locator('.recharts-legend-item', { hasText: `${name} (train)` }),
  ).toBeVisible();
  await expect(lab.chart.locator('.recharts-line path[stroke="#59a14f"]').first()).toBeVisible();

  // Rename sticks across a reload.
  await row.getByRole('button', { name: 'Rename' }).click();
  await page.getByLabel('Run name').fill('Before reload');
  await page.getByLabel('Run name').press('Enter');
  await page.reload();
  await expect(row.locator('.history__name')).toHaveText('Before reload');
});
