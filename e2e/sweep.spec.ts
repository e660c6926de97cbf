import { TINY, expect, query, test } from './fixtures';

// One epoch of 4 iterations per run: the queue, not the training, is under test.
const SMALL = {
  ...TINY,
  trainSize: '64',
  valSize: '32',
  batchSize: '16',
  epochs: '1',
  // The cpu backend skips WebGPU shader compiles: each run starts sooner on SwiftShader.
  backend: 'cpu',
};

test('a two-value weight-decay sweep runs both and overlays their curves', async ({
  lab,
  page,
}) => {
  await page.goto(query({ ...SMALL, mode: 'sweep', sweepParam: 'wd', sweepValues: '1e-3,0' }));
  await expect(page.getByRole('tab', { name: 'Sweeps' })).toHaveAttribute('aria-selected', 'true');
  await expect(lab.status).toContainText(/ready/i, { timeout: 120_000 });
  const values = page.getByTestId('sweep.values');
  await expect(values).toHaveValue('1e-3,0');

  // An empty list blocks Start and says why.
  await values.fill('');
  await expect(lab.button('Start')).toBeDisabled();
  await expect(page.getByText('List at least one value to sweep')).toBeVisible();
  await values.fill('1e-3, 0');
  await expect(page).toHaveURL(/sweepValues=1e-3,%200/);
  await lab.button('Start').click();

  await expect(page.getByTestId('queue-status')).toHaveText('All 2 runs finished', {
    timeout: 150_000,
  });
  const chart = page.getByTestId('sweep-chart');
  await expect(chart).toHaveAttribute('data-curves', '2');
  await expect(
    chart.locator('.recharts-legend-item', { hasText: 'WD 0.001' }).first(),
  ).toBeVisible();
  await expect(chart.locator('.recharts-legend-item', { hasText: 'WD 0 ' }).first()).toBeVisible();
  for (const i of [0, 1])
    await expect(page.getByTestId(`queue-row.${i}`)).toHaveAttribute('data-state', /done|diverged/);
  // The best run is marked, and the rule is stated beside it.
  await expect(page.getByTestId('sweep-best')).toHaveCount(1);
  await expect(page.getByTestId('sweep-rule')).toContainText('first 25%');

  // The wall-clock axis keeps both curves.
  await page.getByLabel('Wall-clock seconds').check();
  await expect(chart).toHaveAttribute('data-curves', '2');
  await expect(chart).toContainText('Wall-clock seconds');
});

test('the super-convergence demo at its smallest budget runs 1cycle then multistep', async ({
  lab,
  page,
}) => {
  await page.goto(query({ ...SMALL, mode: 'demo', demoBudget: 'tiny' }));
  await expect(lab.status).toContainText(/ready/i, { timeout: 120_000 });
  await expect(page.getByTestId('demo-plan')).toHaveAttribute('data-epochs', '1');
  await page.getByRole('button', { name: 'Run the demo' }).click();

  await expect(page.getByTestId('queue-status')).toHaveText('All 2 runs finished', {
    timeout: 150_000,
  });
  await expect(page.getByTestId('queue-row.0')).toContainText('1cycle');
  await expect(page.getByTestId('queue-row.1')).toContainText('Multistep');
  for (const id of ['demo-accuracy', 'demo-loss'])
    await expect(page.getByTestId(id)).toHaveAttribute('data-curves', '2');
});
