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
  epochs: '12',
  // Equal bounds: a constant LR while momentum still cycles 0.95 → 0.85 → 0.95. At 0.02 this net
  // spikes at step 2 and can die; at 0.008 (recorded through the engine in Node, seed 7, with
  // PyTorch-default fc init and the corrected pooling gradient) the training loss falls 2.3 → 0.6–1.1
  // while validation loss climbs 2.4 → 3.7, and diagnose() marks steps 2–22 as overfitting.
  lrMin: '0.008',
  lrMax: '0.008',
  momMax: '0.95',
  momMin: '0.85',
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
  await expect(lab.status).toContainText(/done/i, { timeout: 420_000 });
  expect(await lab.valPoints()).toBe(12);

  const region = page.getByTestId('overfit-region');
  await expect(region.first()).toBeAttached();
  // It starts at or after the first evaluation and ends within the run.
  const from = Number(await region.first().getAttribute('data-from'));
  const to = Number(await region.first().getAttribute('data-to'));
  expect(from).toBeGreaterThanOrEqual(2);
  expect(to).toBeGreaterThan(from);
  expect(to).toBeLessThanOrEqual(24);
  // The region explains itself on hover (SVG title) and in words under the chart.
  await expect(region.first().locator('title')).toContainText(/weight decay/);
  await expect(page.getByTestId('diagnosis.overfitting').first()).toContainText(/Overfitting/);

  // The per-evaluation views fill in: generalisation error, accuracy and the epoch table.
  await expect(page.getByTestId('gap-chart')).toHaveAttribute('data-points', '12');
  await expect(page.getByTestId('accuracy-chart')).toHaveAttribute('data-points', '12');
  await expect(page.getByTestId('epoch-table').locator('tbody tr')).toHaveCount(12);
});
