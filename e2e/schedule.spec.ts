import { TINY, expect, query, test } from './fixtures';

test('schedule controls: a too-long step size blocks Start; the preview follows the settings', async ({
  lab,
  page,
}) => {
  await page.goto(query({ ...TINY, schedule: 'clr-triangular', stepSize: '99' }));
  const reason = 'Step size (99 epochs) is longer than the run (2 epochs)';
  await expect(lab.button('Start')).toBeDisabled();
  await expect(page.locator('#start-blocked')).toContainText(reason);
  // The control itself says what is wrong.
  await expect(lab.number('stepSize')).toHaveAttribute('aria-invalid', 'true');

  const chart = page.getByTestId('schedule-chart');
  await page.getByLabel('LR schedule').selectOption('onecycle');
  await expect(page).toHaveURL(/schedule=onecycle&/);
  await expect(chart).toHaveAttribute('data-schedule', 'onecycle');
  await expect(chart.locator('.recharts-line')).toHaveCount(2);
  await expect(chart).toBeVisible();
  // 1cycle has no step size: the control and its complaint are gone.
  await expect(lab.number('stepSize')).toHaveCount(0);
  await expect(page.getByText(reason)).toHaveCount(0);
  // TINY: 256 images in batches of 16 for 2 epochs.
  await expect(chart).toHaveAttribute('data-total-steps', '32');
  // Smith's peak falls between iterations 14 and 15 of 32, so the drawn peak is just under LR max.
  const peak = async () => Number(await chart.getAttribute('data-lr-peak'));
  expect(await peak()).toBeGreaterThan(0.045);
  expect(await peak()).toBeLessThanOrEqual(0.05);

  await lab.number('lrMax').fill('0.2');
  await lab.number('lrMax').press('Enter');
  await expect(page).toHaveURL(/lrMax=0\.2(&|$)/);
  await expect.poll(peak).toBeGreaterThan(0.18);
  expect(await peak()).toBeLessThanOrEqual(0.2);
});
