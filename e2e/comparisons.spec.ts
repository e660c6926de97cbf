/** Issue 14: comparisons that never mislead (ties called ties, log-y, legends in exports). */
import { exportJson } from '../src/core/run-record';
import { TINY, expect, query, test } from './fixtures';
import { savedRun } from './saved-runs';

test('a sweep whose runs tie says so and offers no "best" value', async ({ lab, page }) => {
  test.setTimeout(600_000);
  // Weight decays 0 and 1e-9 train the same network to within float noise.
  const small = { ...TINY, trainSize: '32', valSize: '16', epochs: '1', backend: 'cpu' };
  await page.goto(query({ ...small, mode: 'sweep', sweepParam: 'wd', sweepValues: '1e-9,0' }));
  await expect(lab.status).toContainText(/ready/i, { timeout: 120_000 });
  await lab.button('Start').click();
  await expect(page.getByTestId('queue-status')).toHaveText('All 2 runs finished', {
    timeout: 540_000,
  });
  await expect(page.getByTestId('sweep-tie')).toContainText('Tie');
  await expect(page.getByTestId('sweep-best')).toHaveCount(0);
  await expect(page.getByTestId('sweep-apply-best')).toHaveCount(0);
});

test('a log-y switch shows a diverged overlay whole; live and saved series can be switched off', async ({
  lab,
  page,
}) => {
  await page.route('**/data/**', (route) => route.abort());
  await page.goto(query({ ...TINY }));
  const file = exportJson([
    savedRun(
      'good',
      'Steady',
      Array.from({ length: 20 }, (_, i) => 2.3 - i * 0.04),
      true,
    ),
    savedRun('bad', 'Diverged', [2.3, 40, 4000, 400_000, 380_000, 420_000], false),
  ]);
  await page
    .getByTestId('history-import')
    .setInputFiles({ name: 'runs.json', mimeType: 'application/json', buffer: Buffer.from(file) });
  for (const name of ['Steady', 'Diverged'])
    await page
      .getByTestId('history-run')
      .filter({ hasText: name })
      .getByRole('button', { name: 'Overlay', exact: true })
      .click();
  const ticks = lab.chart.locator('.recharts-yAxis-tick-labels text');
  await expect(lab.chart).toContainText('off scale');
  await page.getByTestId('loss-log-y').check();
  await expect(lab.chart).toHaveAttribute('data-log-y', 'true');
  await expect(lab.chart).not.toContainText('off scale');
  // Decades from below the steady run's 1.5 up to the diverged run's 420,000.
  await expect(ticks.filter({ hasText: /^1$/ })).toHaveCount(1);
  await expect(ticks.filter({ hasText: '1.0e+6' })).toHaveCount(1);

  const raw = lab.chart.locator('[data-series="loss"]');
  await expect(raw).toHaveCount(1);
  await page.getByTestId('loss-series.loss').uncheck();
  await expect(raw).toHaveCount(0);
  await expect(lab.chart.locator('[data-series="smooth"]')).toHaveCount(1);

  // Each saved run has its own switch, named by the run, that the keyboard reaches and flips.
  const diverged = page.getByRole('checkbox', { name: 'Diverged (saved run)' });
  const divergedLines = lab.chart.locator('.overlay-line--bad path.recharts-line-curve');
  const steadyLines = lab.chart.locator('.overlay-line--good path.recharts-line-curve');
  await expect(divergedLines).toHaveCount(1);
  await expect(steadyLines).toHaveCount(2);
  await diverged.focus();
  await page.keyboard.press('Space');
  await expect(diverged).not.toBeChecked();
  await expect(divergedLines).toHaveCount(0);
  await expect(steadyLines).toHaveCount(2);
  // The hidden run no longer sets the scale: the log axis ends near the steady run's losses.
  await expect(ticks.filter({ hasText: '1.0e+6' })).toHaveCount(0);
  await page.keyboard.press('Space');
  await expect(diverged).toBeChecked();
  await expect(divergedLines).toHaveCount(1);
  await expect(ticks.filter({ hasText: '1.0e+6' })).toHaveCount(1);
});
