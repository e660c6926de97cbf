import { TINY, expect, query, test } from './fixtures';

test('two snapshots of a tiny run give train and validation loss along the line through them', async ({
  lab,
  page,
}) => {
  test.setTimeout(540_000);
  // 64 images in batches of 16 for 2 epochs: 8 iterations; snapshots at the middle and the end.
  // The line is evaluated on min(trainSize, valSize) = 16 images per split at each of 9 points.
  await page.goto(query({ ...TINY, trainSize: '64', valSize: '16', epochs: '2' }));
  await expect(lab.status).toContainText(/ready/i, { timeout: 120_000 });
  await expect(page.getByTestId('topology.step1')).toHaveValue('4');
  await expect(page.getByTestId('topology.step2')).toHaveValue('8');
  // Nothing to evaluate before a run has kept its snapshots.
  await expect(page.getByTestId('topology.evaluate')).toBeDisabled();
  await page.getByTestId('topology.enable').check();

  await lab.button('Start').click();
  await expect(lab.status).toContainText(/done/i, { timeout: 300_000 });
  await expect(page.getByTestId('topology.snapshots')).toHaveText('Snapshots held: 4, 8');

  await page.getByTestId('topology.evaluate').click();
  const chart = page.getByTestId('topology-chart');
  // α = −0.5, −0.25, …, 1.5: nine points, each with a finite train and validation loss (a dot).
  await expect(chart).toHaveAttribute('data-points', '9', { timeout: 240_000 });
  await expect(chart).toHaveAttribute('aria-label', /w\(step 4\).*w\(step 8\)/);
  await expect(chart.locator('.recharts-legend-item', { hasText: 'Train loss' })).toBeVisible();
  await expect(
    chart.locator('.recharts-legend-item', { hasText: 'Validation loss' }),
  ).toBeVisible();
  await expect(chart.locator('.recharts-line-dots circle')).toHaveCount(18);
  // The α axis runs from −0.5 to 1.5, left to right from the first snapshot (0) to the second (1).
  for (const tick of [/^-0\.5$/, /^1\.5$/])
    await expect(chart.locator('text').filter({ hasText: tick })).toHaveCount(1);
  await expect(chart).toContainText('α (0 = step 4, 1 = step 8)');
  // Tall enough to read (it was about 100 px of plot).
  expect((await chart.boundingBox())!.height).toBeGreaterThanOrEqual(250);
});
