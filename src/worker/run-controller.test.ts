/**
 * The run controller on tfjs's cpu backend, training ResNet-8 on real CIFAR-10 records held in
 * memory: pause and stop, the checkpoint queue, a lost device carried on to the next
 * backend, and failed runs marked. The engine is the real one; only the backend choice is
 * scripted (a "webgpu" that is cpu underneath), and the store is a Map.
 */
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import type { CheckpointRecord } from '../core/checkpoint';
import { defaultConfig, type BackendName, type ModelName } from '../core/config';
import { toWorkerConfig } from '../core/config-travel';
import type { BackendSelection } from '../engine/backend';
import type { LoadedDataset } from '../engine/data/types';
import { cifarDataset } from '../engine/testing/cifar.node.js';
import type { CheckpointStore } from './checkpoint-queue';
import { tfjsEngine, type EnginePort } from './engine-port';
import { FaultInjector } from './faults';
import type { Command, WorkerEvent } from './protocol';
import { RunController } from './run-controller';

let data: LoadedDataset;

beforeAll(async () => {
  await tf.setBackend('cpu');
  data = await cifarDataset(32, 16);
});

/** 2 epochs of 4 steps; validation (and so a checkpoint) every 2 steps. */
const config = toWorkerConfig({
  ...defaultConfig(),
  // The engine's internal test model (n = 1): the config type names only the page's models.
  model: 'resnet8' as ModelName,
  backend: 'auto',
  trainSize: 32,
  valSize: 8,
  batchSize: 8,
  epochs: 2,
  lrMin: 0.01,
  lrMax: 0.1,
});
const start = (over: Partial<Extract<Command, { type: 'start' }>> = {}): Command => ({
  type: 'start',
  runId: 'r1',
  config,
  evalsPerEpoch: 2,
  ...over,
});

class MemoryStore implements CheckpointStore {
  readonly records = new Map<string, CheckpointRecord>();
  save = async (r: CheckpointRecord) => void this.records.set(r.runId, r);
  load = async (runId: string) => this.records.get(runId);
  delete = async (runId: string) => void this.records.delete(runId);
  list = async () =>
    [...this.records.values()].map((r) => ({
      runId: r.runId,
      step: r.meta.step,
      savedAt: r.meta.savedAt,
    }));
}

/** A controller whose posted events are kept, and handed to `react` as they come. */
function harness(opts: { react?: (e: WorkerEvent) => void; beforeStep?: () => void } = {}) {
  const events: WorkerEvent[] = [];
  const store = new MemoryStore();
  const broken = new Set<BackendName>();
  // Every backend is cpu underneath; what the controller is told follows the real fallback order.
  const engine: EnginePort = {
    ...tfjsEngine,
    selectBackend: async (): Promise<BackendSelection> =>
      broken.has('webgpu')
        ? { backend: 'cpu', fallbackReason: 'webgpu stopped working earlier in this session' }
        : { backend: 'webgpu' },
    markBroken: (name) => void broken.add(name),
    gpuLostWithin: async () => false,
  };
  const controller = new RunController({
    post: (e) => {
      events.push(e);
      opts.react?.(e);
    },
    engine,
    checkpoints: store,
    datasets: { get: async () => data },
    yieldTask: () => new Promise((resolve) => setImmediate(resolve)),
    ...(opts.beforeStep ? { beforeStep: opts.beforeStep } : {}),
  });
  const states = () => events.flatMap((e) => (e.type === 'state' ? [e.state] : []));
  const steps = () => events.flatMap((e) => (e.type === 'trainPoints' ? e.points : []));
  return { controller, events, store, states, steps };
}

describe('RunController on cpu', () => {
  it('trains to the end, checkpoints on the way and forgets the checkpoint when done', async () => {
    const before = tf.memory().numTensors;
    const h = harness();
    h.controller.command(start());
    // A second run while one is active is refused, not queued.
    h.controller.command(start({ runId: 'r2' }));
    await h.controller.idle();
    expect(h.states()).toEqual(['starting', 'running', 'done']);
    expect(h.events).toContainEqual({
      type: 'error',
      message: 'A run is already active: stop it before starting another.',
    });
    expect(h.steps().map((p) => p.step)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    // At each validation but the last (a slow machine may add one at the 30 s mark).
    const saved = h.events.flatMap((e) => (e.type === 'checkpoint' ? [e.step] : []));
    expect(saved).toEqual(expect.arrayContaining([2, 4, 6]));
    expect(saved.every((step) => step < 8)).toBe(true);
    expect(h.store.records.size).toBe(0);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('pauses where asked, says so once waiting, resumes on command; Stop keeps a checkpoint', async () => {
    let paused = false;
    const h = harness({
      react: (e) => {
        if (e.type === 'trainPoints' && e.points.some((p) => p.step >= 2) && !paused) {
          paused = true;
          h.controller.command({ type: 'pause' });
        } else if (e.type === 'state' && e.state === 'paused') {
          // No point may arrive after 'paused' until the run goes on.
          pointsAtPause = h.steps().length;
          h.controller.command({ type: 'resume' });
        } else if (e.type === 'trainPoints' && e.points.some((p) => p.step >= 5)) {
          h.controller.command({ type: 'stop' });
        }
      },
    });
    let pointsAtPause = -1;
    h.controller.command(start());
    await h.controller.idle();
    expect(h.states()).toEqual(['starting', 'running', 'paused', 'running', 'stopped']);
    expect(pointsAtPause).toBeGreaterThanOrEqual(2);
    const last = h.steps().at(-1)!.step;
    expect(last).toBeLessThan(8);
    // The stopped run is resumable from the step it stopped at.
    expect(h.store.records.get('r1')?.meta.step).toBe(last);

    const again = harness();
    for (const [id, r] of h.store.records) again.store.records.set(id, r);
    again.controller.command(start({ resume: true }));
    await again.controller.idle();
    expect(again.events).toContainEqual({
      type: 'resumed',
      runId: 'r1',
      step: last,
      message: `Resumed from the checkpoint after step ${last}.`,
    });
    expect(again.steps()[0]!.step).toBe(last + 1);
    expect(again.states().at(-1)).toBe('done');
  });

  it('a lost device carries the run on to the next backend from its last checkpoint', async () => {
    const h = harness({
      react: (e) => {
        if (e.type === 'checkpoint' && e.step === 4)
          h.controller.deviceLost({ reason: 'destroyed', message: 'test' });
      },
    });
    h.controller.command(start());
    await h.controller.idle();
    const why = 'The GPU device was lost (destroyed: test)';
    const backends = h.events.filter((e) => e.type === 'backend');
    expect(backends).toEqual([
      { type: 'backend', requested: 'auto', backend: 'webgpu' },
      {
        type: 'backend',
        requested: 'auto',
        backend: 'cpu',
        fallbackReason: `${why}; webgpu stopped working earlier in this session`,
      },
    ]);
    const resumed = h.events.find((e) => e.type === 'resumed');
    // The newest checkpoint kept: step 4's, or a later one if the loop saved again meanwhile.
    const from = resumed?.type === 'resumed' ? resumed.step : -1;
    expect(from).toBeGreaterThanOrEqual(4);
    expect(resumed).toEqual({
      type: 'resumed',
      runId: 'r1',
      step: from,
      message: `${why}. Continuing on cpu from the checkpoint after step ${from}.`,
    });
    // The abandoned loop said nothing after the hand-over; the new one trained on and ended.
    const after = h.events.slice(h.events.indexOf(resumed!));
    const stepsAfter = after.flatMap((e) => (e.type === 'trainPoints' ? e.points : []));
    expect(stepsAfter[0]?.step).toBe(from + 1);
    expect(stepsAfter.at(-1)?.step).toBe(8);
    expect(h.states().filter((s) => s !== 'starting' && s !== 'running')).toEqual(['done']);
  });

  it('marks a run that ran out of memory failed, with advice, and takes the next run', async () => {
    const faults = new FaultInjector(
      () => {},
      () => {},
      () => null,
    );
    const h = harness({ beforeStep: faults.beforeStep });
    faults.inject('oom');
    h.controller.command(start());
    await h.controller.idle();
    const failed = h.events.find((e) => e.type === 'state' && e.state === 'failed');
    expect(failed).toMatchObject({ runId: 'r1' });
    expect(failed?.type === 'state' && failed.message).toMatch(
      /^Batch size 8 does not fit in memory on webgpu\. Try a smaller batch size, e\.g\. 4/,
    );
    h.controller.command(start({ runId: 'r2', config: { ...config, epochs: 1 } }));
    await h.controller.idle();
    expect(h.states().at(-1)).toBe('done');
  });

  it('a lost device fails a range test with a message, and an idle one is reported', async () => {
    const h = harness({
      react: (e) => {
        if (e.type === 'trainPoints') h.controller.deviceLost({ reason: '', message: '' });
      },
    });
    h.controller.command({
      type: 'rangeTest',
      runId: 'rt',
      config,
      range: { start: 1e-3, end: 1, steps: 6, mode: 'exp' },
    });
    await h.controller.idle();
    const why = 'The GPU device was lost (unknown: no detail)';
    expect(h.events).toContainEqual({
      type: 'state',
      runId: 'rt',
      state: 'failed',
      message: `${why}. Start again.`,
    });
    h.controller.deviceLost({ reason: 'destroyed', message: 'idle' });
    expect(h.events.at(-1)).toEqual({
      type: 'error',
      message: 'The GPU device was lost (destroyed: idle).',
    });
  });
});
