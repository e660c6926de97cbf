import { TINY, expect, query, test } from './fixtures';

const RANGE = {
  ...TINY,
  valSize: '32',
  mode: 'range',
  rangeMode: 'exp',
  rangeStart: '0.001',
  rangeEnd: '1',
  rangeSteps: '16',
};

test('an LR range test suggests a maximum LR; Apply sets the sliders and the URL', async ({
  lab,
  page,
}) => {
  await page.goto(query(RANGE));
  await expect(page.getByRole('tab', { name: 'LR range test' })).toHaveAttribute(
    'aria-selected',
    'true',
  );
  await expect(lab.status).toContainText(/ready/i, { timeout: 120_000 });
  await lab.button('Start').click();

  const suggestion = page.getByTestId('lr-suggestion');
  await expect(suggestion).toBeVisible({ timeout: 180_000 });
  const lr = Number(await suggestion.getAttribute('data-lr'));
  expect(Number.isFinite(lr)).toBe(true);
  expect(lr).toBeGreaterThan(0);
  // Every swept step is on the chart, unless the sweep diverged first.
  const chart = page.getByTestId('range-chart');
  const points = Number(await chart.getAttribute('data-train-points'));
  const diverged = await page.getByText(/diverged at LR/).count();
  if (diverged === 0) expect(points).toBe(16);
  expect(Number(await chart.getAttribute('data-val-points'))).toBeGreaterThan(0);

  // Every suggestion marker drawn ("min ÷ 10" included) and its label lie inside the plotted
  // sweep: none sits beyond the LR axis's ends or runs over either y axis.
  const plot = (await chart.locator('.recharts-cartesian-grid').boundingBox())!;
  const labels = chart.locator('.range-marker-label');
  await expect(labels.filter({ hasText: 'valley' })).toHaveCount(1);
  for (const label of await labels.all()) {
    const box = (await label.boundingBox())!;
    const text = await label.textContent();
    expect(box.x, `"${text}" left edge`).toBeGreaterThanOrEqual(plot.x - 1);
    expect(box.x + box.width, `"${text}" right edge`).toBeLessThanOrEqual(plot.x + plot.width + 1);
  }
  for (const line of await chart.locator('.recharts-reference-line-line').all()) {
    const box = (await line.boundingBox())!;
    expect(box.x).toBeGreaterThanOrEqual(plot.x - 1);
    expect(box.x).toBeLessThanOrEqual(plot.x + plot.width + 1);
  }

  await page.getByRole('button', { name: 'Apply to training' }).click();
  await expect(page.getByRole('tab', { name: 'Train' })).toHaveAttribute('aria-selected', 'true');
  await expect(page).toHaveURL(/mode=train/);
  await expect.poll(async () => Number(await lab.number('lrMax').inputValue())).toBe(lr);
  const params = new URL(page.url()).searchParams;
  expect(Number(params.get('lrMax'))).toBe(lr);
  // 1cycle: LR min is a tenth of LR max.
  expect(Number(params.get('lrMin'))).toBeCloseTo(lr / 10, 6);
  expect(Number(await lab.number('lrMin').inputValue())).toBeCloseTo(lr / 10, 6);
});

test('the instrument tabs work from the keyboard; a reversed range blocks Start', async ({
  lab,
  page,
}) => {
  await page.goto(query({ ...TINY, rangeStart: '1', rangeEnd: '0.01' }));
  const train = page.getByRole('tab', { name: 'Train' });
  await expect(train).toHaveAttribute('aria-selected', 'true');
  await train.focus();
  await page.keyboard.press('ArrowRight');
  await expect(page.getByRole('tab', { name: 'LR range test' })).toBeFocused();
  await expect(page).toHaveURL(/mode=range/);
  await expect(lab.button('Start')).toBeDisabled();
  await expect(page.getByText('Range start must be below range end').first()).toBeVisible();
  await page.keyboard.press('ArrowLeft');
  await expect(train).toHaveAttribute('aria-selected', 'true');
  await expect(lab.button('Start')).toBeVisible();
});
