import type { Route } from '@playwright/test';
import { TINY, expect, query, test } from './fixtures';

// Real network faults on the first training shard; each test has a fresh context, so no shard
// is in Cache Storage yet.
const SHARD = '**/data/cifar10/train-000.bin';

test('a shard that 404s, is truncated or fails its checksum: a message, no Start, and Retry', async ({
  lab,
  page,
  context,
}) => {
  let real: Buffer | null = null;
  const fetchReal = async (route: Route): Promise<Buffer> => {
    real ??= await (await route.fetch()).body();
    return real;
  };
  const faults: { name: string; serve: (route: Route) => Promise<void>; says: RegExp }[] = [
    {
      name: '404',
      serve: (route) => route.fulfill({ status: 404, body: 'gone' }),
      says: /train-000\.bin: download failed \(HTTP 404/,
    },
    {
      name: 'truncated',
      serve: async (route) => {
        const body = await fetchReal(route);
        await route.fulfill({ status: 200, body: body.subarray(0, body.length - 4096) });
      },
      says: /train-000\.bin: [\d,]+ bytes, expected [\d,]+/,
    },
    {
      name: 'one flipped byte',
      serve: async (route) => {
        const body = Buffer.from(await fetchReal(route));
        body[body.length >> 1] = (body[body.length >> 1] ?? 0) ^ 0x01;
        await route.fulfill({ status: 200, body });
      },
      says: /train-000\.bin: checksum mismatch/,
    },
  ];

  // Routed on the context: the shards are fetched by the training worker, not the page.
  let current = faults[0];
  await context.route(SHARD, (route) => (current ? current.serve(route) : route.continue()));
  await page.goto(query({ ...TINY, trainSize: '64', epochs: '1', backend: 'cpu' }));
  const panel = page.locator('.data-panel');
  const retry = panel.getByRole('button', { name: 'Retry' });

  for (const fault of faults) {
    await test.step(fault.name, async () => {
      current = fault;
      if (fault !== faults[0]) await retry.click();
      await expect(panel, fault.name).toContainText(fault.says, { timeout: 120_000 });
      await expect(panel).toContainText('did not load');
      // Never training on partial data: Start is held, and says why.
      await expect(lab.button('Start')).toBeDisabled();
      await expect(page.locator('#start-blocked')).toContainText('is not loaded');
    });
  }

  current = undefined;
  await context.unroute(SHARD);
  await retry.click();
  await expect(lab.status).toContainText(/ready/i, { timeout: 120_000 });
  await expect(panel).toHaveCount(0);
  await lab.button('Start').click();
  await expect.poll(() => lab.trainPoints(), { timeout: 120_000 }).toBeGreaterThan(0);
  await lab.button('Stop').click();
  await expect(lab.status).toContainText(/stopped|done/i, { timeout: 60_000 });
});
