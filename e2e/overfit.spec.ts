import { TINY, expect, query, test } from './fixtures';

/**
 * A run built to overfit, as Smith's recipe warns: 32 training images, no weight decay, no
 * augmentation, a constant fairly large LR for many epochs. The validation loss turns up while the
 * training loss keeps falling, and the loss chart must shade that bump.
 */
const OVERFIT = {
  ...TINY,
  trainSize: '32',
  valSize: '32',
  batchSize: '16',
  epochs: '14',
  lrMin: '0.02',
  lrMax: '0.02',
  momMax: '0.9',
  momMin: '0.9',
  wd: '0',
  augment: 'off',
};

test('a run built to overfit shows an overfitting region on the loss chart', async ({
  lab,
  page,
}) => {
  await page.goto(query(OVERFIT));
  await expect(lab.status).toContainText(/ready/i, { timeout: 120_000 });
  await lab.button('Start').click();
  await expect(lab.status).toContainText(/done/i, { timeout: 240_000 });
  expect(await lab.valPoints()).toBe(14);

  const region = page.getByTestId('overfit-region');
  await expect(region.first()).toBeAttached();
  // It starts at or after the first evaluation and ends within the run.
  const from = Number(await region.first().getAttribute('data-from'));
  const to = Number(await region.first().getAttribute('data-to'));
  expect(from).toBeGreaterThanOrEqual(2);
  expect(to).toBeGreaterThan(from);
  expect(to).toBeLessThanOrEqual(28);
  // The region explains itself on hover (SVG title) and in words under the chart.
  await expect(region.first().locator('title')).toContainText(/weight decay/);
  await expect(page.getByTestId('diagnosis.overfitting').first()).toContainText(/Overfitting/);

  // The per-evaluation views fill in: generalisation error, accuracy and the epoch table.
  await expect(page.getByTestId('gap-chart')).toHaveAttribute('data-points', '14');
  await expect(page.getByTestId('accuracy-chart')).toHaveAttribute('data-points', '14');
  await expect(page.getByTestId('epoch-table').locator('tbody tr')).toHaveCount(14);

  // Hovering the loss chart shows where in the run the point is, and its values.
  const box = await lab.chart.locator('svg.recharts-surface').first().boundingBox();
  if (!box) throw new Error('loss chart has no plot area');
  await page.mouse.move(box.x + box.width * 0.6, box.y + box.height * 0.5);
  const tip = lab.chart.getByTestId('chart-tooltip');
  await expect(tip).toContainText('Step');
  await expect(tip).toContainText('Epoch');
  await expect(tip).toContainText('LR');
  await expect(tip).toContainText('Momentum');
});
