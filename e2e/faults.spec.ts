/**
 * Faults during training: a diverging run, a crashing worker, memory that runs out, a lost WebGPU
 * device. Injected faults use the e2e build's test-only hooks (`hooksTest`); the production build
 * must not contain them.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from '@playwright/test';
import type { TestFault } from '../src/worker/protocol';
import { TINY, expect, hooksTest, query, test, type Lab } from './fixtures';

/** shallow3 on 64 images, batch 16: 4 steps an epoch (WebGPU on SwiftShader: about 1 s a step). */
const SMALL = { ...TINY, trainSize: '64', valSize: '32' } as const;

async function inject(page: Page, fault: TestFault): Promise<void> {
  await page.evaluate((f) => {
    (window as unknown as { __labTest: { fault(f: string): void } }).__labTest.fault(f);
  }, fault);
}

async function startRun(lab: Lab, page: Page, values: Record<string, string>): Promise<void> {
  await page.goto(query(values));
  await expect(lab.status).toContainText(/ready/i, { timeout: 120_000 });
  await lab.button('Start').click();
}

function bundles(dir: string): string {
  const assets = join(dir, 'assets');
  return readdirSync(assets)
    .filter((f) => f.endsWith('.js'))
    .map((f) => readFileSync(join(assets, f), 'utf8'))
    .join('\n');
}

test('the production build carries no fault hook; the e2e build does', async ({ page }) => {
  // Main chunk and worker chunk alike: the hook's names and its handler are compiled out.
  const prod = bundles('dist');
  const e2e = bundles('dist-e2e');
  for (const trace of ['__labTest', 'testFault', 'injected fault']) {
    expect(prod, trace).not.toContain(trace);
    expect(e2e, trace).toContain(trace);
  }
  await page.goto('/');
  expect(await page.evaluate(() => '__labTest' in window)).toBe(false);
});

// A real divergence is covered in src/engine/run.test.ts (LR 1e6). Within the page's LR bound
// (≤ 10) the shallow net's ReLUs die rather than overflow, so here the weights are made NaN.
hooksTest(
  'a loss that becomes NaN stops the run as diverged, naming its step and LR',
  async ({ lab, page }) => {
    await startRun(lab, page, SMALL);
    await expect.poll(() => lab.trainPoints(), { timeout: 120_000 }).toBeGreaterThan(0);
    await inject(page, 'nan');
    await expect(lab.status).toContainText(/diverged/i, { timeout: 120_000 });
    await expect(page.getByRole('alert')).toContainText(
      /diverged: Loss became NaN at step \d+ \(LR \d\.\d+(e[-+]\d+)?\)/,
    );
    const row = page.getByTestId('history-run').first();
    await expect(row).toHaveAttribute('data-status', 'diverged');
    // The page stays usable: another run starts and trains.
    await lab.button('Start').click();
    await expect(page.getByTestId('history-run')).toHaveCount(2);
    await expect.poll(() => lab.trainPoints(), { timeout: 120_000 }).toBeGreaterThan(0);
    await lab.button('Stop').click();
  },
);

hooksTest(
  'a crashed worker fails the run, keeps the history, and a new run starts',
  async ({ lab, page }) => {
    await startRun(lab, page, { ...SMALL, epochs: '4' });
    await expect.poll(() => lab.trainPoints(), { timeout: 120_000 }).toBeGreaterThan(2);
    await inject(page, 'throw');
    await expect(lab.status).toContainText(/failed/i);
    await expect(page.getByRole('alert')).toContainText(
      /The training worker crashed at step \d+ \(.*injected fault/,
    );
    const crashed = page.getByTestId('history-run').first();
    await expect(crashed).toHaveAttribute('data-status', 'failed');

    // A fresh worker takes the next run; the crashed run stays in the history.
    await lab.button('Start').click();
    await expect.poll(() => lab.trainPoints(), { timeout: 120_000 }).toBeGreaterThan(0);
    await expect(page.getByTestId('history-run')).toHaveCount(2);
    await expect(page.getByTestId('history-run').nth(1)).toHaveAttribute('data-status', 'failed');
    await lab.button('Stop').click();
  },
);

hooksTest(
  'memory that runs out fails the run with a smaller batch to try',
  async ({ lab, page }) => {
    // Injected: SwiftShader has no fixed GPU memory to exhaust in a test's time.
    await startRun(lab, page, SMALL);
    await expect.poll(() => lab.trainPoints(), { timeout: 120_000 }).toBeGreaterThan(0);
    await inject(page, 'oom');
    await expect(lab.status).toContainText(/failed/i);
    await expect(page.getByRole('alert')).toContainText(
      /Batch size 16 does not fit in memory on webgpu\. Try a smaller batch size, e\.g\. 8/,
    );
    await expect(lab.button('Start')).toBeEnabled();
  },
);

hooksTest(
  'a lost WebGPU device falls back to the next backend and resumes',
  async ({ lab, page }) => {
    await startRun(lab, page, SMALL);
    await expect(lab.backend).toContainText('webgpu', { timeout: 120_000 });
    // The first epoch's end (or 30 s of training) saves a checkpoint.
    await expect(page.getByTestId('checkpoint-status')).toHaveAttribute('data-step', /\d/, {
      timeout: 120_000,
    });
    await inject(page, 'deviceLost');
    // The fault lands between two steps (a step is seconds of synchronous work on SwiftShader).
    await expect(page.getByTestId('run-notice')).toContainText(
      /The GPU device was lost \(destroyed.*Continuing on (webgl|cpu) from the checkpoint after step \d\./,
      { timeout: 120_000 },
    );
    await expect(lab.backend).toContainText(/webgl|cpu/);
    await expect(lab.backend).toContainText('GPU device was lost');
    await expect(lab.status).toContainText(/done/i, { timeout: 240_000 });
    // The curve runs on without a gap or a repeat: steps 1..8 once each.
    expect(await lab.trainPoints()).toBe(8);
    await expect(page.getByTestId('history-run').first()).toHaveAttribute('data-status', 'done');
  },
);
