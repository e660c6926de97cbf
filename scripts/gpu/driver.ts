/**
 * GPU-machine driver, bundled into one file by scripts/gpu/pack.sh and run there by
 * scripts/gpu/device.sh (see docs/benchmarks.md, "GPU"). Subcommands:
 *   probe [--size N]              adapter, features, and a ~1 s matmul (GFLOP/s) to prove the GPU
 *   bench [bench flags]           exactly `npm run bench` (scripts/bench/run.ts)
 *   train --batch B --steps N     engine ResNet training images/s (one readback at the end);
 *                                 --half stores conv outputs as f16 (the optional mode)
 *   profile --batch B             GPU ms per kernel kind of one replayed step (timestamp queries)
 *   convs --batch B               forward conv vs input/filter gradients at ResNet-56 shapes
 *   convgrad --batch B            tfjs's filter gradient vs the engine's tiled kernel, per layer
 *   inputgrad --batch B           tfjs's naive input gradient vs its MM kernel, per layer
 *   twin --depth D --batch B --data TAR   engine vs PyTorch losses from the same weights
 * train/profile take --filter-grad tiled (engine default) | tfjs (naive) | conv (forward conv).
 * Every subcommand prints one JSON line last.
 */
import * as tf from '@tensorflow/tfjs';
import { parseArgs } from 'node:util';
import { buildModel, type ModelId } from '../../src/engine/models/index';
import { filterGradViaConv } from '../../src/engine/ops/conv';
import { filterGradTiled, setEngineFilterGrad } from '../../src/engine/ops/conv-filter-grad';
import { main as convgradMain } from '../bench/conv-filter-grad';
import { main as inputgradMain } from '../bench/conv-input-grad';
import { createTrainStep, type TrainStep } from '../../src/engine/train-step';
import { loadWebGpuBackend } from '../../src/engine/webgpu-backend';
import { main as benchMain } from '../bench/run';
import { twin } from './twin';

const SEED = 1;
const LR = 0.05;
const MOMENTUM = 0.9;
const WEIGHT_DECAY = 5e-4;

const log = (s: string) => process.stdout.write(s + '\n');

/** navigator.gpu from Dawn, then tfjs on webgpu; returns the adapter's identity and features. */
async function setUp(): Promise<Record<string, unknown>> {
  const { create, globals } = await import('webgpu');
  Object.assign(globalThis, globals);
  const gpu = create((process.env.DAWN_FLAGS ?? '').split(' ').filter((s) => s));
  Object.defineProperty(globalThis, 'navigator', {
    value: { gpu, userAgent: 'node' },
    configurable: true,
    writable: true,
  });
  const adapter = await gpu.requestAdapter({ powerPreference: 'high-performance' });
  if (adapter == null) throw new Error('WebGPU: requestAdapter() returned null');
  const info = adapter.info;
  await loadWebGpuBackend();
  if (!(await tf.setBackend('webgpu'))) throw new Error('tfjs: webgpu backend failed to start');
  await tf.ready();
  return {
    vendor: info.vendor,
    architecture: info.architecture,
    device: info.device,
    description: info.description,
    features: [...adapter.features].sort(),
    maxBufferSize: adapter.limits.maxBufferSize,
    maxStorageBufferBindingSize: adapter.limits.maxStorageBufferBindingSize,
    maxStorageBuffersPerShaderStage: adapter.limits.maxStorageBuffersPerShaderStage,
  };
}

interface Flags {
  batch: number;
  steps: number;
  warmup: number;
  depth: number;
  /**
   * 'tiled': the engine's split-K kernel (src/engine/ops/conv-filter-grad.ts, its default);
   * 'tfjs': tfjs's naive kernel; 'conv': every filter gradient as a forward conv (ops/conv.ts).
   */
  filterGrad: 'tiled' | 'tfjs' | 'conv';
  /** Conv outputs stored as f16 (src/engine/ops/half-act.ts; off by default in the lab). */
  half: boolean;
}

function flags(argv: string[]): Flags {
  const { values } = parseArgs({
    args: argv,
    options: {
      batch: { type: 'string', default: '128' },
      steps: { type: 'string', default: '20' },
      warmup: { type: 'string', default: '3' },
      depth: { type: 'string', default: '56' },
      'filter-grad': { type: 'string', default: 'tiled' },
      half: { type: 'boolean', default: false },
    },
  });
  return {
    batch: Number(values.batch),
    steps: Number(values.steps),
    warmup: Number(values.warmup),
    depth: Number(values.depth),
    filterGrad: (['tfjs', 'conv'] as const).find((v) => v === values['filter-grad']) ?? 'tiled',
    half: values.half === true,
  };
}

/**
 * Experiment: replaces webgpu's Conv2DBackpropFilter (naive, one thread per weight) with the
 * engine's filterGradViaConv (a forward conv, tiled) for 'same'-padded NHWC convolutions.
 */
function useFilterGradViaConv(): void {
  const original = tf.getKernel('Conv2DBackpropFilter', 'webgpu');
  if (!original) throw new Error('no webgpu Conv2DBackpropFilter to replace');
  tf.unregisterKernel('Conv2DBackpropFilter', 'webgpu');
  tf.registerKernel({
    ...original,
    kernelFunc: (args) => {
      const { x, dy } = args.inputs as { x: tf.Tensor4D; dy: tf.Tensor4D };
      const { strides, pad, dilations, dataFormat, filterShape } = args.attrs as {
        strides: number | [number, number];
        pad: unknown;
        dilations?: number | [number, number];
        dataFormat: string;
        filterShape: [number, number, number, number];
      };
      const s = typeof strides === 'number' ? strides : strides[0];
      const d =
        dilations == null || typeof dilations === 'number'
          ? (dilations ?? 1)
          : Math.max(...dilations);
      const square = typeof strides === 'number' || strides[0] === strides[1];
      if (pad !== 'same' || d !== 1 || dataFormat !== 'NHWC' || !square)
        return original.kernelFunc(args);
      const out = filterGradViaConv(x, dy, filterShape[0], s);
      // Hand the buffer to the kernel's output: one more backend reference, then drop ours.
      (args.backend as unknown as { incRef(id: object): void }).incRef(out.dataId);
      const info = { dataId: out.dataId, shape: out.shape, dtype: out.dtype };
      out.dispose();
      return info;
    },
  });
}

/** The engine runs the tiled kernel unless told otherwise; the other two go through tfjs. */
function useFilterGrad(impl: Flags['filterGrad']): void {
  setEngineFilterGrad(impl === 'tiled' ? 'tiled' : 'tfjs');
  if (impl === 'conv') useFilterGradViaConv();
}

/** Repeats `f` for about `seconds`, draining every 8 calls; returns calls and ms. */
async function repeatFor(f: () => tf.Tensor, seconds: number): Promise<{ n: number; ms: number }> {
  await f().data(); // compile
  const t0 = performance.now();
  let n = 0;
  while (performance.now() - t0 < seconds * 1000) {
    let last: tf.Tensor | null = null;
    for (let i = 0; i < 8; i++) {
      last?.dispose();
      last = f();
    }
    await last!.data();
    last!.dispose();
    n += 8;
  }
  return { n, ms: performance.now() - t0 };
}

async function probe(argv: string[]): Promise<void> {
  const adapter = await setUp();
  log(`adapter ${JSON.stringify(adapter)}`);
  // 2048³ proves a GPU in about a second; the dry run on SwiftShader passes a small --size.
  const size = Number(
    parseArgs({ args: argv, options: { size: { type: 'string' } } }).values.size ?? 2048,
  );
  const a = tf.randomNormal([size, size]);
  const b = tf.randomNormal([size, size]);
  const { n, ms } = await repeatFor(() => tf.matMul(a, b), 1);
  const gflops = (2 * size ** 3 * n) / (ms / 1000) / 1e9;
  log(`matmul ${size}³ fp32: ${n} products in ${ms.toFixed(0)} ms = ${gflops.toFixed(0)} GFLOP/s`);
  log(JSON.stringify({ probe: adapter, matmulGflops: Math.round(gflops) }));
}

/** The engine's step, recorded and replayed on WebGPU as the lab runs it. */
function makeTrainer(depth: number, half = false): { step: TrainStep; dispose: () => void } {
  const model = buildModel(`resnet${depth}` as ModelId, 10, SEED, { halfActivations: half });
  const step = createTrainStep(model, {
    weightDecay: WEIGHT_DECAY,
    numClasses: 10,
    dataset: 'cifar10',
    augment: true,
    seed: SEED,
  });
  return {
    step,
    dispose: () => {
      step.dispose();
      model.dispose();
    },
  };
}

function randomBatch(batch: number): { x: tf.Tensor4D; y: tf.Tensor1D } {
  return {
    x: tf.randomUniform([batch, 32, 32, 3], 0, 255, 'float32', SEED) as tf.Tensor4D,
    y: tf.randomUniform([batch], 0, 10, 'int32', SEED + 1) as tf.Tensor1D,
  };
}

async function train(argv: string[]): Promise<void> {
  const a = flags(argv);
  await setUp();
  useFilterGrad(a.filterGrad);
  const { step, dispose } = makeTrainer(a.depth, a.half);
  const { x, y } = randomBatch(a.batch);
  for (let i = 0; i < a.warmup; i++) {
    const loss = step.step(x, y, LR, MOMENTUM);
    await loss.data();
    loss.dispose();
  }
  const hostMs: number[] = [];
  const t0 = performance.now();
  let last: tf.Scalar | null = null;
  for (let i = 0; i < a.steps; i++) {
    last?.dispose();
    const s = performance.now();
    last = step.step(x, y, LR, MOMENTUM);
    hostMs.push(performance.now() - s);
  }
  const loss = (await last!.data())[0]!;
  const ms = performance.now() - t0;
  last!.dispose();
  const mem = tf.memory() as tf.MemoryInfo & { numBytesAllocatedInGPU?: number };
  const result = {
    train: `resnet${a.depth}`,
    filterGrad: a.filterGrad,
    halfActivations: a.half,
    batch: a.batch,
    steps: a.steps,
    msPerStep: +(ms / a.steps).toFixed(2),
    imagesPerSecond: +((a.steps * a.batch) / (ms / 1000)).toFixed(1),
    hostMsPerStepMean: +(hostMs.reduce((s, v) => s + v, 0) / a.steps).toFixed(2),
    lastLoss: +loss.toFixed(4),
    gpuBytesAllocated: mem.numBytesAllocatedInGPU ?? null,
    replay: step.replayStatus(),
  };
  log(
    `train ResNet-${a.depth} batch ${a.batch} (filter grad: ${a.filterGrad}${a.half ? '; f16 activations' : ''}): ${result.msPerStep} ms/step, ${result.imagesPerSecond} images/s ` +
      `(host enqueue ${result.hostMsPerStepMean} ms/step; loss ${result.lastLoss})`,
  );
  tf.dispose([x, y]);
  dispose();
  log(JSON.stringify(result));
}

/**
 * GPU time per kernel kind of one replayed step: the plan the lab runs, each dispatch in a timed
 * pass of its own (engine/replay/plan-timing.ts).
 */
async function profile(argv: string[]): Promise<void> {
  const a = flags(argv);
  await setUp();
  useFilterGrad(a.filterGrad);
  const { step, dispose } = makeTrainer(a.depth);
  const { x, y } = randomBatch(a.batch);
  // Through tfjs, recorded, then replayed: the timed step is a replay.
  for (let i = 0; i < Math.max(3, a.warmup); i++) {
    const loss = step.step(x, y, LR, MOMENTUM);
    await loss.data();
    loss.dispose();
  }
  const timing = step.timeNextStep();
  if (!timing) log('warning: no recorded plan or no timestamp-query feature; nothing to time');
  step.step(x, y, LR, MOMENTUM).dispose();
  const times = (await timing) ?? [];
  const byKind = new Map<string, { n: number; ms: number }>();
  for (const t of times) {
    const e = byKind.get(t.kind) ?? { n: 0, ms: 0 };
    e.n++;
    e.ms += t.ms;
    byKind.set(t.kind, e);
  }
  const total = times.reduce((s, t) => s + t.ms, 0);
  const rows = [...byKind.entries()].sort((p, q) => q[1].ms - p[1].ms);
  log(
    `profile ResNet-${a.depth} batch ${a.batch}: ${times.length} replayed dispatches, GPU ${total.toFixed(2)} ms`,
  );
  for (const [name, e] of rows.slice(0, 20))
    log(
      `  ${name.padEnd(28)} ${String(e.n).padStart(5)}  ${e.ms.toFixed(2).padStart(9)} ms  ${((100 * e.ms) / total).toFixed(1).padStart(5)}%`,
    );
  tf.dispose([x, y]);
  dispose();
  const families = Object.fromEntries(rows.map(([n, e]) => [n, { n: e.n, ms: +e.ms.toFixed(3) }]));
  log(
    JSON.stringify({
      profile: `resnet${a.depth}`,
      batch: a.batch,
      kernels: times.length,
      gpuMs: +total.toFixed(3),
      families,
    }),
  );
}

/** ResNet-56's stride-1 3×3 convolutions: 19 per stage at 16/32/64 channels (stem excluded). */
async function convs(argv: string[]): Promise<void> {
  const a = flags(argv);
  await setUp();
  const out: Record<string, unknown>[] = [];
  for (const [cin, c, hw] of [
    [3, 16, 32],
    [16, 16, 32],
    [32, 32, 16],
    [64, 64, 8],
  ] as const) {
    const x = tf.randomNormal([a.batch, hw, hw, cin]) as tf.Tensor4D;
    const w = tf.randomNormal([3, 3, cin, c]) as tf.Tensor4D;
    const dy = tf.randomNormal([a.batch, hw, hw, c]) as tf.Tensor4D;
    const attrs = { strides: 1, pad: 'same', dataFormat: 'NHWC', dilations: 1 } as const;
    const ops: Record<string, () => tf.Tensor> = {
      forward: () => tf.conv2d(x, w, 1, 'same'),
      inputGrad: () =>
        tf
          .engine()
          .runKernel(
            'Conv2DBackpropInput',
            { dy, filter: w },
            { ...attrs, inputShape: x.shape },
          ) as tf.Tensor,
      filterGrad: () =>
        tf
          .engine()
          .runKernel(
            'Conv2DBackpropFilter',
            { x, dy },
            { ...attrs, filterShape: w.shape },
          ) as tf.Tensor,
      filterGradViaConv: () => filterGradViaConv(x, dy, 3, 1),
      filterGradTiled: () => filterGradTiled(x, dy, w.shape, 1, 'same'),
    };
    const gflop = (2 * a.batch * hw * hw * 9 * cin * c) / 1e9;
    const row: Record<string, unknown> = { cin, channels: c, hw, gflop: +gflop.toFixed(4) };
    for (const [name, f] of Object.entries(ops)) {
      const { n, ms } = await repeatFor(f, 0.5);
      row[`${name}Ms`] = +(ms / n).toFixed(3);
    }
    // The two filter gradients must agree: relative L2 error of the conv form against tfjs's.
    const [ref, alt] = [ops.filterGrad!(), ops.filterGradViaConv!()];
    const relErr = tf.tidy(() => tf.norm(tf.sub(alt, ref)).div(tf.norm(ref)));
    row.filterGradRelErr = +(await relErr.data())[0]!.toExponential(2);
    tf.dispose([ref, alt, relErr]);
    out.push(row);
    log(
      `conv ${cin}→${c}ch ${hw}×${hw} batch ${a.batch} (${gflop.toFixed(2)} GFLOP): forward ${row.forwardMs} ms, ` +
        `input grad ${row.inputGradMs} ms, filter grad ${row.filterGradMs} ms, filter grad via conv ${row.filterGradViaConvMs} ms (rel. err ${row.filterGradRelErr}), tiled ${row.filterGradTiledMs} ms`,
    );
    tf.dispose([x, w, dy]);
  }
  log(JSON.stringify({ convs: out, batch: a.batch }));
}

const [cmd, ...rest] = process.argv.slice(2);
const commands: Record<string, (argv: string[]) => Promise<void>> = {
  probe,
  bench: async (argv) => {
    await benchMain(argv);
  },
  train,
  profile,
  convs,
  // tfjs's naive input gradient vs its MM kernel (scripts/bench/conv-input-grad.ts)
  inputgrad: async (argv) => {
    const adapter = await setUp();
    await inputgradMain(argv, `${adapter.vendor} / ${adapter.device}`);
  },
  // engine vs PyTorch from the same weights on the same records (scripts/gpu/twin.ts)
  twin: async (argv) => {
    await setUp();
    await twin(argv);
  },
  // tfjs's filter gradient vs the tiled one at ResNet-56 shapes (scripts/bench/conv-filter-grad.ts)
  convgrad: async (argv) => {
    const adapter = await setUp();
    await convgradMain(argv, `${adapter.vendor} / ${adapter.device}`);
  },
};
const run = commands[cmd ?? ''];
if (!run) {
  log(`usage: driver.mjs ${Object.keys(commands).join('|')} [flags]`);
  process.exit(2);
}
await run(rest);
// Dawn keeps handles open; end explicitly once the JSON line is out.
process.exit(0);
