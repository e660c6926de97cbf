import { TINY, expect, query, test } from './fixtures';

// One epoch of 4 iterations per run: the queue, not the training, is under test.
const SMALL = {
  ...TINY,
  trainSize: '64',
  // Sweep runs evaluate 4 times each (see sweepEvalsPerEpoch): a small validation subset.
  valSize: '16',
  batchSize: '16',
  epochs: '1',
  // The cpu backend skips WebGPU shader compiles: each run starts sooner on SwiftShader.
  backend: 'cpu',
};

test('a two-value weight-decay sweep runs both and overlays their curves', async ({
  lab,
  page,
}) => {
  test.setTimeout(420_000);
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
    timeout: 300_000,
  });
  const chart = page.getByTestId('sweep-chart');
  await expect(chart).toHaveAttribute('data-curves', '2');
  await expect(
    chart.locator('.recharts-legend-item', { hasText: 'WD 0.001' }).first(),
  ).toBeVisible();
  await expect(chart.locator('.recharts-legend-item', { hasText: 'WD 0 ' }).first()).toBeVisible();
  for (const i of [0, 1])
    await expect(page.getByTestId(`queue-row.${i}`)).toHaveAttribute('data-state', /done|diverged/);
  // A 1-epoch run still evaluates 4 times (one dot each), so its early validation loss is read
  // at 25% of the run, not at its end.
  await expect(chart.locator('.recharts-line-dots circle')).toHaveCount(8);
  await expect(page.getByTestId('sweep-rule')).toContainText('first 25%');
  // After one step of four the two weight decays may not differ yet: a tie is called a tie, and
  // nothing is offered (e2e/comparisons.spec.ts forces one).
  if ((await page.getByTestId('sweep-tie').count()) > 0) {
    await expect(page.getByTestId('sweep-apply-best')).toHaveCount(0);
    return;
  }
  // The best run is marked, and the rule is stated beside it.
  await expect(page.getByTestId('sweep-best')).toHaveCount(1);
  // One key press carries the best weight decay into the settings (was 0.0005) and the link.
  const apply = page.getByTestId('sweep-apply-best');
  const bestWd = Number((await apply.textContent())?.match(/^Use weight decay (\S+)$/)?.[1]);
  expect([1e-3, 0]).toContain(bestWd);
  await apply.focus();
  await page.keyboard.press('Enter');
  await expect.poll(async () => Number(await lab.number('wd').inputValue())).toBe(bestWd);
  await expect(page).toHaveURL(new RegExp(`[?&]wd=${bestWd === 0 ? '0' : '0\\.001'}(&|$)`));

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

test('LR range tests at two weight decays overlay against LR, the best marked (Fig. 4a)', async ({
  lab,
  page,
}) => {
  // Two range tests of 6 iterations, each evaluated every iteration: slow on SwiftShader under load.
  test.setTimeout(420_000);
  await page.goto(
    query({
      ...SMALL,
      // Range tests read back and evaluate often: WebGPU (SwiftShader) beats the cpu backend here.
      backend: 'auto',
      mode: 'sweep',
      sweepParam: 'rangeWd',
      sweepValues: '1e-3,0',
      rangeMode: 'exp',
      rangeStart: '0.001',
      rangeEnd: '1',
      rangeSteps: '6',
    }),
  );
  await expect(lab.status).toContainText(/ready/i, { timeout: 120_000 });
  // The LR sweep the tests share is set here, from the link.
  await expect(lab.number('rangeSteps')).toHaveValue('6');
  await lab.button('Start').click();

  // Pause holds the running range test; Resume lets it go on.
  const first = page.getByTestId('queue-row.0');
  await expect(first).toHaveAttribute('data-state', 'running', { timeout: 60_000 });
  // Once its first points are drawn (shaders compiled), the test pauses at its next iteration.
  await expect(page.getByTestId('sweep-chart')).toHaveAttribute('data-curves', '1', {
    timeout: 120_000,
  });
  await lab.button('Pause').click();
  await expect(first).toHaveAttribute('data-state', 'paused', { timeout: 60_000 });
  await expect(lab.button('Resume')).toBeEnabled();
  await lab.button('Resume').click();
  await expect(first).not.toHaveAttribute('data-state', 'paused');

  await expect(page.getByTestId('queue-status')).toHaveText('All 2 runs finished', {
    timeout: 240_000,
  });
  for (const id of ['sweep-chart', 'sweep-accuracy']) {
    const chart = page.getByTestId(id);
    await expect(chart).toHaveAttribute('data-curves', '2');
    await expect(chart).toContainText('Learning rate (log scale)');
  }
  const chart = page.getByTestId('sweep-chart');
  await expect(
    chart.locator('.recharts-legend-item', { hasText: 'WD 0.001' }).first(),
  ).toBeVisible();
  await expect(chart.locator('.recharts-legend-item', { hasText: 'WD 0 ' }).first()).toBeVisible();
  for (const i of [0, 1])
    await expect(page.getByTestId(`queue-row.${i}`)).toHaveAttribute('data-state', 'done');

  // One best, marked in the table and on the chart at its lowest validation loss, rule stated.
  await expect(page.getByTestId('sweep-best')).toHaveCount(1);
  const marker = page.getByTestId('sweep-chart-best-marker');
  await expect(marker).toBeAttached();
  const lr = Number(await marker.getAttribute('data-x'));
  expect(lr).toBeGreaterThanOrEqual(0.001);
  expect(lr).toBeLessThanOrEqual(1);
  await expect(page.getByTestId('sweep-rule')).toContainText('lowest before its range test');
  await expect(page.getByTestId('sweep-apply-best')).toHaveText(/^Use weight decay (0\.001|0)$/);
});
