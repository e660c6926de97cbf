import { TINY, expect, query, test } from './fixtures';

test('trains on WebGPU with live points; pause, resume and stop work', async ({ lab, page }) => {
  await page.goto(query(TINY));
  await expect(lab.status).toContainText(/ready/i, { timeout: 120_000 });
  await lab.button('Start').click();

  await expect(lab.backend).toContainText('webgpu', { timeout: 120_000 });
  await expect.poll(() => lab.trainPoints(), { timeout: 180_000 }).toBeGreaterThan(2);
  // The step counter the user reads has left zero and counts against the run's length.
  await expect(lab.status).toContainText(/Step\s*[1-9]\d* \/ [1-9]\d*/);

  await lab.button('Pause').click();
  await expect(lab.status).toContainText(/paused/i);
  // The page says paused only once the worker waits: from then on nothing may arrive.
  const held = await lab.trainPoints();
  // Nothing arriving has no event to wait on: a fixed wait is the test of it.
  await page.waitForTimeout(3_000);
  expect(await lab.trainPoints()).toBe(held);

  await lab.button('Resume').click();
  await expect.poll(() => lab.trainPoints(), { timeout: 120_000 }).toBeGreaterThan(held);

  await lab.button('Stop').click();
  await expect(lab.status).toContainText(/stopped|done/i, { timeout: 120_000 });
  await expect(lab.button('Start')).toBeEnabled();
});

test('a full tiny run evaluates on the validation set', async ({ lab, page }) => {
  await page.goto(query({ ...TINY, epochs: '1', trainSize: '128' }));
  await expect(lab.status).toContainText(/ready/i, { timeout: 120_000 });
  await lab.button('Start').click();
  await expect(lab.status).toContainText(/done/i, { timeout: 240_000 });
  expect(await lab.valPoints()).toBeGreaterThanOrEqual(1);
  expect(await lab.trainPoints()).toBe(8);
});
