import { TINY, expect, query, test } from './fixtures';
import { savedTrainPoints } from './history-db';

test('a run paused, then cut off by a reload, resumes from the paused step, its curve continuing', async ({
  lab,
  page,
}) => {
  // Minutes only when the 2 cores are shared with other jobs; about a minute alone.
  test.setTimeout(420_000);
  // 4 steps an epoch; periodic checkpoints come at the first epoch's end, or 30 s into the run.
  await page.goto(query({ ...TINY, trainSize: '64', valSize: '32' }));
  await expect(lab.status).toContainText(/ready/i, { timeout: 120_000 });
  await lab.button('Start').click();
  // Paused as soon as losses are drawn (often before the epoch's end), so the reload lands
  // mid-run whatever the machine's speed.
  await expect.poll(() => lab.trainPoints(), { timeout: 120_000 }).toBeGreaterThan(0);
  await lab.button('Pause').click();
  await expect(lab.status).toContainText(/paused/i);
  // Every loss computed before the pause is drawn by now: the step the run paused at.
  const step = await lab.trainPoints();
  expect(step).toBeGreaterThan(0);
  expect(step).toBeLessThan(8);
  // Pause saved a checkpoint at that very step, not only the last periodic one.
  const saved = page.getByTestId('checkpoint-status');
  await expect(saved).toHaveAttribute('data-step', String(step));
  // The history has saved every point drawn (it saves every 2 s) before the tab goes.
  await expect.poll(() => savedTrainPoints(page)).toBeGreaterThanOrEqual(step);

  await page.reload();
  const row = page.getByTestId('history-run').first();
  await expect(row).toHaveAttribute('data-status', 'interrupted');
  await row.getByRole('button', { name: 'Resume' }).click();
  await expect(page.getByTestId('run-notice')).toContainText(
    `Resumed from the checkpoint after step ${step}.`,
  );
  await expect.poll(() => lab.trainPoints()).toBeGreaterThanOrEqual(step);
  // The curve comes back up to the checkpoint, then goes on to the end.
  await expect(lab.status).toContainText(/done/i, { timeout: 240_000 });
  expect(await lab.trainPoints()).toBe(8);
  expect(await lab.valPoints()).toBe(2);
  await expect(row).toHaveAttribute('data-status', 'done');
  await expect(page.getByTestId('history-run')).toHaveCount(1);
  await expect(row.getByRole('button', { name: 'Resume' })).toHaveCount(0);
});
