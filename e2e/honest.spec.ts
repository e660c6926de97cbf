/**
 * Issue 14, honest status and results: "pausing…" at once, notes that expire with their run, a
 * range test that ends in a result with one recommended LR max, and recipe steps that are done
 * only when they ran.
 */
import { TINY, expect, query, test } from './fixtures';

test('Pause says "pausing…" at once; the checkpoint note goes when the run ends', async ({
  lab,
  page,
}) => {
  await page.goto(query({ ...TINY, backend: 'cpu' }));
  await expect(lab.status).toContainText(/ready/i, { timeout: 120_000 });
  await lab.button('Start').click();
  await expect.poll(() => lab.trainPoints(), { timeout: 180_000 }).toBeGreaterThan(0);
  await lab.button('Pause').click();
  // Before the worker has finished its step: the page answers the click itself.
  await expect(lab.status).toContainText(/pausing/i, { timeout: 500 });
  await expect(lab.status).toContainText(/paused/i, { timeout: 120_000 });
  await expect(page.getByTestId('checkpoint-status')).toBeVisible();
  await lab.button('Stop').click();
  await expect(lab.status).toContainText(/stopped/i, { timeout: 120_000 });
  await expect(page.getByTestId('checkpoint-status')).toHaveCount(0);
});

test('a range test ends in a result: one recommended LR max with its rule, others as alternatives', async ({
  lab,
  page,
}) => {
  await page.goto(
    query({
      ...TINY,
      valSize: '32',
      mode: 'range',
      rangeStart: '0.001',
      rangeEnd: '10',
      rangeSteps: '16',
      backend: 'cpu',
    }),
  );
  await expect(lab.status).toContainText(/ready/i, { timeout: 120_000 });
  await lab.button('Start').click();
  const suggestion = page.getByTestId('lr-suggestion');
  await expect(suggestion).toBeVisible({ timeout: 240_000 });
  await expect(suggestion).toContainText(/Recommended LR max: \S+\. Rule:/);
  await expect(suggestion.getByRole('group', { name: /Alternatives/ })).toBeVisible();
  // A divergence is the normal end: said as a result, never as an error alert.
  await expect(page.getByRole('alert').filter({ hasText: /diverged/ })).toHaveCount(0);
  if ((await page.getByText(/diverged at LR/).count()) > 0)
    await expect(page.getByTestId('range-result')).toContainText('Range test finished');
});

test('recipe steps accepted without a run say "set, not run", never "done"', async ({
  lab: _lab,
  page,
}) => {
  await page.goto('/?mode=recipe');
  await page.getByTestId('recipe.skip').click();
  for (let i = 0; i < 3; i++) await page.getByTestId('recipe.accept').click();
  for (const id of ['batch', 'momentum', 'wd']) {
    const step = page.getByTestId(`recipe.step.${id}`);
    await expect(step).toHaveAttribute('data-status', 'set');
    await expect(step).toContainText('set, not run');
    await expect(step).not.toContainText('done');
  }
  await expect(page.getByTestId('recipe.step.range')).toHaveAttribute('data-status', 'skipped');
});
