/** The 'measureSpeed' handler on tfjs's cpu backend: an early bound, then the figure; cancels. */
import { describe, expect, it } from 'vitest';
import { SpeedProbe } from './measure';
import type { WorkerEvent } from './protocol';

type SpeedEvent = Extract<WorkerEvent, { type: 'speed' }>;

function probe() {
  const events: SpeedEvent[] = [];
  const p = new SpeedProbe((e) => {
    if (e.type === 'speed') events.push(e);
  });
  return { p, events };
}

const cmd = {
  type: 'measureSpeed',
  model: 'shallow3',
  dataset: 'cifar10',
  backend: 'cpu',
  batch: 2,
} as const;

describe('SpeedProbe', () => {
  it('answers an upper bound after the first step, then the measured sample', async () => {
    const { p, events } = probe();
    p.command(cmd);
    await expect.poll(() => events.length, { timeout: 120_000, interval: 200 }).toBe(2);
    const [early, final] = events;
    expect(early?.sample?.provisional).toBe(true);
    expect(final?.sample).toMatchObject({ model: 'shallow3', backend: 'cpu', batch: 2 });
    expect(final?.sample?.provisional).toBeUndefined();
    expect(final?.sample?.secondsPerStep).toBeGreaterThan(0);
  });

  it('says nothing more after a cancel', async () => {
    const { p, events } = probe();
    p.command(cmd);
    p.command({ type: 'cancelSpeed' });
    await new Promise((r) => setTimeout(r, 8_000));
    expect(events.filter((e) => !e.sample?.provisional)).toEqual([]);
  });
});
