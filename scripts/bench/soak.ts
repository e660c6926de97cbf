// `npm run bench:soak`: thousands of training steps through the engine's real loop (runTraining:
// batch assembly, train step, loss queue, per-epoch validation) on real CIFAR-10 records, printing
// tensor count, tensor bytes, the webgpu backend's GPU buffer bytes and the JS heap at intervals.
import { parseArgs } from 'node:util';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import * as tf from '@tensorflow/tfjs';
import { defaultConfig, type TrainConfig } from '../../src/core/config';
import type { ModelId } from '../../src/engine/models/index';
import { runTraining } from '../../src/engine/run';
import { memoryDataset, readCifarRecords } from '../../src/engine/testing/cifar.node.js';
import { drifts, verdict, type Sample } from './drift';
import { useNodeWebGpu } from './webgpu-node';

export interface SoakArgs {
  backend: 'webgpu' | 'cpu';
  model: ModelId;
  steps: number;
  batch: number;
  every: number;
  trainSize: number;
  valSize: number;
  readbackEvery: number;
  /** Stops at the first sample point after this many seconds (keeps the bench within 10 min). */
  maxSeconds: number;
}

const MODEL_BY_DEPTH: Record<string, ModelId> = {
  '8': 'resnet8',
  '20': 'resnet20',
  '32': 'resnet32',
  '44': 'resnet44',
  '56': 'resnet56',
  '110': 'resnet110',
};

export function parseSoakArgs(argv: string[]): SoakArgs {
  const { values } = parseArgs({
    args: argv,
    options: {
      backend: { type: 'string', default: 'webgpu' },
      model: { type: 'string' },
      depth: { type: 'string' },
      steps: { type: 'string', default: '2000' },
      batch: { type: 'string', default: '2' },
      every: { type: 'string', default: '20' },
      'train-size': { type: 'string', default: '256' },
      'val-size': { type: 'string', default: '32' },
      'readback-every': { type: 'string', default: '20' },
      'max-seconds': { type: 'string', default: '540' },
    },
  });
  const int = (name: string, raw: string | undefined, min: number): number => {
    const v = Number(raw);
    if (!Number.isInteger(v) || v < min)
      throw new Error(`--${name} must be an integer ≥ ${min}, got ${raw}`);
    return v;
  };
  if (values.backend !== 'webgpu' && values.backend !== 'cpu')
    throw new Error(`--backend must be webgpu or cpu, got ${values.backend}`);
  let model: ModelId = 'shallow3';
  if (values.depth !== undefined) {
    const m = MODEL_BY_DEPTH[values.depth];
    if (!m) throw new Error(`--depth must be one of ${Object.keys(MODEL_BY_DEPTH).join(', ')}`);
    model = m;
  } else if (values.model !== undefined) {
    model = values.model as ModelId;
  }
  const batch = int('batch', values.batch, 2);
  const every = int('every', values.every, 1);
  const readbackEvery = int('readback-every', values['readback-every'], 1);
  const steps = int('steps', values.steps, 1);
  const trainSize = int('train-size', values['train-size'], batch);
  return {
    backend: values.backend,
    model,
    steps,
    batch,
    every,
    trainSize,
    valSize: int('val-size', values['val-size'], 1),
    readbackEvery,
    maxSeconds: int('max-seconds', values['max-seconds'], 1),
  };
}

/** Node's gc(), reachable without --expose-gc on the command line. */
function getGc(): (() => void) | null {
  try {
    setFlagsFromString('--expose-gc');
    return runInNewContext('gc') as () => void;
  } catch {
    return null;
  }
}

function log(line: string): void {
  process.stdout.write(line + '\n');
}

const mb = (b: number | null) => (b === null ? '—' : (b / 1e6).toFixed(3));

export async function main(argv: string[]): Promise<void> {
  const args = parseSoakArgs(argv);
  const started = performance.now();
  let adapter = 'cpu';
  if (args.backend === 'webgpu') adapter = await useNodeWebGpu();
  else if (!(await tf.setBackend('cpu'))) throw new Error('tfjs: cpu backend failed to start');
  await tf.ready();

  const records = await readCifarRecords(args.trainSize + args.valSize);
  const slice = (a: number, b: number) => ({
    labels: records.labels.slice(a, b),
    pixels: records.pixels.slice(a * 3072, b * 3072),
  });
  const data = memoryDataset(
    slice(0, args.trainSize),
    slice(args.trainSize, args.trainSize + args.valSize),
  );
  const stepsPerEpoch = Math.floor(args.trainSize / args.batch);
  const config: TrainConfig = {
    ...defaultConfig(),
    model: args.model === 'resnet8' ? 'resnet20' : args.model,
    trainSize: args.trainSize,
    valSize: args.valSize,
    batchSize: args.batch,
    epochs: Math.ceil(args.steps / stepsPerEpoch),
    schedule: 'onecycle',
    // e2e/fixtures.ts TINY's range: shallow3 (no batch norm) diverges at ResNet learning rates.
    lrMin: 0.005,
    lrMax: 0.05,
    wd: 5e-4,
    augment: 'on',
    seed: 1,
  };
  log(
    `soak: ${args.model} on ${args.backend} (${adapter}), ${args.steps} steps of batch ${args.batch}; ` +
      `${args.trainSize} train images (${stepsPerEpoch} steps/epoch, validation on ${args.valSize} ` +
      `images each epoch), loss read back every ${args.readbackEvery} steps, sample every ${args.every} steps, ` +
      `time limit ${args.maxSeconds} s; ` +
      `real CIFAR-10 records (first ${args.trainSize + args.valSize} of data_batch_1), tfjs ${tf.version.tfjs}`,
  );

  const gc = getGc();
  const backend = tf.backend() as unknown as {
    bufferManager?: { numBytesUsed: number; numBytesAllocated: number };
  };
  const samples: Sample[] = [];
  const take = (step: number): Sample => {
    gc?.();
    const m = tf.memory();
    const s: Sample = {
      step,
      seconds: (performance.now() - started) / 1000,
      numTensors: m.numTensors,
      numBytes: m.numBytes,
      gpuBytesUsed: backend.bufferManager?.numBytesUsed ?? null,
      gpuBytesAllocated: backend.bufferManager?.numBytesAllocated ?? null,
      heapUsed: process.memoryUsage().heapUsed,
    };
    log(
      `step ${String(step).padStart(5)}  ${s.seconds.toFixed(0).padStart(4)} s  tensors ${s.numTensors}` +
        `  tensor MB ${mb(s.numBytes)}  GPU MB used ${mb(s.gpuBytesUsed)} / allocated ${mb(s.gpuBytesAllocated)}` +
        `  heap MB ${mb(s.heapUsed)}`,
    );
    return s;
  };

  const before = take(0);
  let done = 0;
  let lastLoss = NaN;
  // Step of the last loss read back: when it equals `done`, the loss queue is empty. (A validation
  // flushes the queue early, so multiples of readbackEvery are not always empty points.)
  let flushedAt = 0;
  let nextSample = args.every;
  const outcome = await runTraining(
    config,
    data,
    {
      emit(e) {
        if (e.type !== 'trainPoints') return;
        const last = e.points[e.points.length - 1]!;
        lastLoss = last.loss;
        flushedAt = last.step;
      },
      // Called before every step; samples only where every loss so far has been read back.
      async checkpoint() {
        const timeUp = (performance.now() - started) / 1000 > args.maxSeconds;
        if (done > 0 && flushedAt === done && (done >= nextSample || timeUp)) {
          samples.push(take(done));
          nextSample = (Math.floor(done / args.every) + 1) * args.every;
          if (timeUp) {
            log(
              `time limit: stopping after ${done} of ${args.steps} steps (--max-seconds ${args.maxSeconds})`,
            );
            return false;
          }
        }
        if (done >= args.steps) return false;
        done++;
        return true;
      },
    },
    { modelOverride: args.model, readbackEvery: args.readbackEvery },
  );
  const after = take(-1);
  log(
    `run ended: ${outcome} after ${done} steps, last loss ${lastLoss.toFixed(4)}; after dispose: ` +
      `${after.numTensors - before.numTensors} tensors, ${after.numBytes - before.numBytes} B vs before the run`,
  );

  const d = drifts(samples);
  const v = verdict(d);
  const wall = (performance.now() - started) / 1000;
  log(
    `verdict: ${v.flat ? 'FLAT' : 'NOT FLAT'} over steps ${samples[0]?.step}–${samples.at(-1)?.step}` +
      (v.reasons.length ? ` (${v.reasons.join('; ')})` : '') +
      ` — ${(wall / Math.max(1, done)).toFixed(3)} s/step, ${wall.toFixed(0)} s in all`,
  );
  log(
    JSON.stringify({
      soak: true,
      model: args.model,
      backend: args.backend,
      adapter,
      steps: done,
      stepsAsked: args.steps,
      batch: args.batch,
      trainSize: args.trainSize,
      flat: v.flat,
      ...Object.fromEntries(Object.entries(d).map(([k, x]) => [k, x])),
      tensorsLeftAfterDispose: after.numTensors - before.numTensors,
      outcome,
      lastLoss,
      secondsPerStep: Math.round((wall / Math.max(1, done)) * 1000) / 1000,
      wallSeconds: Math.round(wall),
    }),
  );
}
