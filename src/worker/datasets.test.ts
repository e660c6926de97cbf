/**
 * The worker's dataset registry tells the page "missing" (no manifest: offer `npm run data` or a
 * picked tarball) by the loader's error type, not by its wording.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { Datasets } from './datasets';
import type { WorkerEvent } from './protocol';

let server: Server;
let base: string;

beforeAll(async () => {
  // No manifest here; /data/cifar100/manifest.json is one for the wrong dataset.
  server = createServer((req, res) => {
    if (req.url === '/data/cifar100/manifest.json') {
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify({ version: 1, dataset: 'cifar10' }));
    } else {
      res.statusCode = 404;
      res.end('not found');
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

async function phaseOf(dataset: 'cifar10' | 'cifar100'): Promise<WorkerEvent[]> {
  const events: WorkerEvent[] = [];
  const datasets = new Datasets((e) => events.push(e), base);
  await expect(datasets.get(dataset)).rejects.toThrow();
  return events;
}

it('says "missing" when there is no manifest, with the way to get the data', async () => {
  const [event] = await phaseOf('cifar10');
  expect(event).toMatchObject({ type: 'data', dataset: 'cifar10', phase: 'missing' });
  expect(event?.type === 'data' && event.message).toMatch(/Run `npm run data`/);
});

it('says "error" (a thing to retry or rebuild) for a manifest it cannot use', async () => {
  const [event] = await phaseOf('cifar100');
  expect(event).toMatchObject({ type: 'data', dataset: 'cifar100', phase: 'error' });
  expect(event?.type === 'data' && event.message).toMatch(/unusable manifest/);
});
