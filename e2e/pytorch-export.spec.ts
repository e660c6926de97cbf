/**
 * Export to PyTorch, end to end: the CLI writes train.py for a link's settings, the script trains
 * a few steps on the real tarball with augmentation on, and its JSONL log is imported through the
 * history panel, where it lists, overlays on the loss chart, shows with its per-epoch table and
 * share link, and exports the same script again.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { TINY, expect, test } from './fixtures';

const PYTHON = '/usr/bin/python3';
const REPO = path.resolve(import.meta.dirname, '..');
const TARBALL = path.resolve(REPO, '../shared/datasets/cifar10/cifar-10-binary.tar.gz');

test('a PyTorch run of an exported script imports into the history and overlays', async ({
  lab,
  page,
}) => {
  test.setTimeout(240_000);
  const dir = mkdtempSync(path.join(tmpdir(), 'pytorch-e2e-'));
  // 32 images in batches of 8: 4 steps an epoch, so 5 steps cross one evaluation.
  const query = new URLSearchParams({ ...TINY, trainSize: '32', batchSize: '8', augment: 'on' });
  const cli = spawnSync(
    'npx',
    ['tsx', 'scripts/export-pytorch.ts', '--query', String(query), '--out', dir],
    {
      cwd: REPO,
      encoding: 'utf8',
    },
  );
  expect(cli.status, cli.stderr).toBe(0);
  const script = path.join(dir, 'train.py');
  const log = path.join(dir, 'run.jsonl');
  const py = spawnSync(PYTHON, [script, '--data', TARBALL, '--steps', '5', '--log', log], {
    encoding: 'utf8',
    timeout: 120_000,
  });
  expect(
    py.status,
    `PyTorch must be installed (apt-get install -y python3-torch)\n${py.stderr}`,
  ).toBe(0);
  expect(py.stdout).toContain('stopped after 5 of 8 steps');

  await page.route('**/data/**', (route) => route.abort());
  await page.goto('/');
  await expect(lab.button('Start')).toBeVisible();
  await page.getByTestId('history-import').setInputFiles(log);
  await expect(page.getByTestId('import-notice')).toContainText('run.jsonl: imported 1 run');
  const row = page.getByTestId('history-run').filter({ hasText: 'PyTorch: shallow3, LR 0.05' });
  await expect(row).toHaveAttribute('data-status', 'stopped');

  // Its points reach the loss chart as an overlay, like any saved run.
  await row.getByRole('button', { name: 'Overlay' }).click();
  // The legend may shorten a long name: its start and the (train) suffix remain.
  await expect(
    lab.chart.locator('.recharts-legend-item', { hasText: /^PyTorch: shallow3.*\(train\)$/ }),
  ).toBeVisible();
  await expect(lab.chart.locator('.recharts-line path[stroke="#59a14f"]').first()).toBeVisible();

  // Shown as a finished result: its per-epoch table and a share link, as for the lab's own runs.
  await row.getByRole('button', { name: 'Show PyTorch: shallow3, LR 0.05' }).click();
  await expect(page.getByTestId('shared-result')).toContainText('PyTorch: shallow3, LR 0.05');
  await expect(page.getByTestId('epoch-table').locator('tbody tr')).toHaveCount(1);
  await expect(lab.chart).toHaveAttribute('data-train-points', '5');
  await page.getByRole('button', { name: 'Share result' }).click();
  await expect(page.getByTestId('share-link')).toHaveValue(/[?&]r=/);

  // The imported run exports the very script that produced it.
  const download = page.waitForEvent('download');
  await row.getByRole('button', { name: /PyTorch script for/ }).click();
  const file = await (await download).path();
  expect(readFileSync(file, 'utf8')).toBe(readFileSync(script, 'utf8'));
});
