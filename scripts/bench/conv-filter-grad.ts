// `npm run bench:convgrad`: the weight-gradient convolution on webgpu, tfjs's naive kernel
// against the engine's tiled split-K kernel (src/engine/ops/conv-filter-grad.ts) and the
// "as a forward conv" form, at ResNet-56 layer shapes; then (with --step) one engine training
// step with each filter gradient. Every ratio comes from the same process. Flags:
//   --batch N (8)  --repeats R (5 samples per variant)  --calls C (4 calls per sample)
//   --step (also time engine steps)  --depth D (20)  --step-batch N (8)  --steps S (3)
//   --no-layers (skip the per-layer part)
// GPU time: each sample enqueues C calls and awaits the last one's readback, so on SwiftShader
// (and on a GPU, where enqueue is far cheaper than the work) wall time per call is GPU time.
import * as tf from '@tensorflow/tfjs';
import { parseArgs } from 'node:util';
import { buildModel, type ModelId } from '../../src/engine/models/index';
import { filterGradViaConv } from '../../src/engine/ops/conv';
import {
  convGeometry,
  filterGradTiled,
  planFilterGrad,
  setEngineFilterGrad,
} from '../../src/engine/ops/conv-filter-grad';
import { conv2DBackpropFilterKernel } from '../../src/engine/ops/conv-filter-grad-global';
import { createTrainStep } from '../../src/engine/train-step';

const SEED = 1;
const log = (s: string) => process.stdout.write(s + '\n');

interface Args {
  batch: number;
  repeats: number;
  calls: number;
  step: boolean;
  layers: boolean;
  depth: number;
  stepBatch: number;
  steps: number;
}

function parse(argv: string[]): Args {
  const { values } = parseArgs({
    args: argv,
    options: {
      batch: { type: 'string', default: '8' },
      repeats: { type: 'string', default: '5' },
      calls: { type: 'string', default: '4' },
      step: { type: 'boolean', default: false },
      'no-layers': { type: 'boolean', default: false },
      depth: { type: 'string', default: '20' },
      'step-batch': { type: 'string', default: '8' },
      steps: { type: 'string', default: '3' },
    },
  });
  return {
    batch: Number(values.batch),
    repeats: Number(values.repeats),
    calls: Number(values.calls),
    step: values.step ?? false,
    layers: !values['no-layers'],
    depth: Number(values.depth),
    stepBatch: Number(values['step-batch']),
    steps: Number(values.steps),
  };
}

export const median = (v: number[]) => {
  const s = [...v].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
};

/** ms per call of `f`: C calls enqueued, the last one read back. */
export async function sample(f: () => tf.Tensor, calls: number): Promise<number> {
  const t0 = performance.now();
  let last: tf.Tensor | null = null;
  for (let i = 0; i < calls; i++) {
    last?.dispose();
    last = f();
  }
  await last!.data();
  last!.dispose();
  return (performance.now() - t0) / calls;
}

/** ResNet-56 layers: the stem, each stage's stride-1 conv, and the two stride-2 transitions. */
export const LAYERS = [
  { name: 'stem 3→16 32²', hw: 32, ci: 3, co: 16, stride: 1 },
  { name: 'stage1 16→16 32²', hw: 32, ci: 16, co: 16, stride: 1 },
  { name: 'down 16→32 32²/2', hw: 32, ci: 16, co: 32, stride: 2 },
  { name: 'stage2 32→32 16²', hw: 16, ci: 32, co: 32, stride: 1 },
  { name: 'down 32→64 16²/2', hw: 16, ci: 32, co: 64, stride: 2 },
  { name: 'stage3 64→64 8²', hw: 8, ci: 64, co: 64, stride: 1 },
] as const;

export interface LayerFigures {
  layer: string;
  gflop: number;
  splits: number;
  workgroups: number;
  tfjsMs: number;
  tiledMs: number;
  viaConvMs: number;
  ratio: number;
  relErr: number;
}

async function layers(a: Args): Promise<LayerFigures[]> {
  if (conv2DBackpropFilterKernel() !== 'tfjs') throw new Error('expected tfjs kernel registered');
  const rows: LayerFigures[] = [];
  for (const l of LAYERS) {
    const x = tf.randomNormal([a.batch, l.hw, l.hw, l.ci], 0, 1, 'float32', SEED) as tf.Tensor4D;
    const ho = Math.ceil(l.hw / l.stride);
    const dy = tf.randomNormal([a.batch, ho, ho, l.co], 0, 1, 'float32', SEED + 1) as tf.Tensor4D;
    const shape = [3, 3, l.ci, l.co] as const;
    const attrs = { strides: l.stride, pad: 'same', dataFormat: 'NHWC', filterShape: shape };
    const variants: Record<'tfjs' | 'tiled' | 'viaConv', () => tf.Tensor> = {
      tfjs: () => tf.engine().runKernel('Conv2DBackpropFilter', { x, dy }, attrs) as tf.Tensor,
      tiled: () => filterGradTiled(x, dy, shape, l.stride, 'same'),
      viaConv: () => filterGradViaConv(x, dy, 3, l.stride),
    };
    const ms: Record<string, number[]> = { tfjs: [], tiled: [], viaConv: [] };
    for (const f of Object.values(variants)) await sample(f, 1); // compile
    for (let r = 0; r < a.repeats; r++) {
      // Alternate the order so that drift in machine load hits every variant alike.
      const order =
        r % 2 ? (['viaConv', 'tiled', 'tfjs'] as const) : (['tfjs', 'tiled', 'viaConv'] as const);
      for (const name of order) ms[name]!.push(await sample(variants[name], a.calls));
    }
    const ref = variants.tfjs();
    const ours = variants.tiled();
    const err = tf.tidy(() => tf.norm(tf.sub(ours, ref)).div(tf.norm(ref)));
    const relErr = (await err.data())[0]!;
    tf.dispose([ref, ours, err, x, dy]);
    const plan = planFilterGrad(convGeometry([a.batch, l.hw, l.hw, l.ci], shape, l.stride, 'same'));
    const row: LayerFigures = {
      layer: l.name,
      gflop: +((2 * a.batch * ho * ho * 9 * l.ci * l.co) / 1e9).toFixed(4),
      splits: plan.splits,
      workgroups: plan.workgroups,
      tfjsMs: +median(ms.tfjs!).toFixed(2),
      tiledMs: +median(ms.tiled!).toFixed(2),
      viaConvMs: +median(ms.viaConv!).toFixed(2),
      ratio: 0,
      relErr: +relErr.toExponential(2),
    };
    row.ratio = +(row.tfjsMs / row.tiledMs).toFixed(2);
    rows.push(row);
    log(
      `${l.name.padEnd(18)} batch ${a.batch}: tfjs ${row.tfjsMs} ms, tiled ${row.tiledMs} ms ` +
        `(${row.splits} splits, ${row.workgroups} workgroups), as forward conv ${row.viaConvMs} ms; ` +
        `tfjs/tiled ${row.ratio}×, rel. err ${row.relErr}`,
    );
  }
  return rows;
}

export interface StepComparison {
  depth: number;
  batch: number;
  tfjsMsPerStep: number;
  tiledMsPerStep: number;
  ratio: number;
  tfjsSamples: number[];
  tiledSamples: number[];
}

/** Engine training steps (call → loss read back), alternating the two filter gradients. */
async function steps(a: Args): Promise<StepComparison> {
  const model = buildModel(`resnet${a.depth}` as ModelId, 10, SEED);
  const trainer = createTrainStep(model, {
    weightDecay: 5e-4,
    numClasses: 10,
    dataset: 'cifar10',
    augment: true,
    seed: SEED,
    // The kernel is switched between steps: a recorded step would keep the one it recorded.
    replay: false,
  });
  const x = tf.randomUniform([a.stepBatch, 32, 32, 3], 0, 255, 'float32', SEED) as tf.Tensor4D;
  const y = tf.randomUniform([a.stepBatch], 0, 10, 'int32', SEED + 1) as tf.Tensor1D;
  const one = async () => {
    const t0 = performance.now();
    const loss = trainer.step(x, y, 0.05, 0.9);
    await loss.data();
    loss.dispose();
    return performance.now() - t0;
  };
  const ms: Record<'tfjs' | 'tiled', number[]> = { tfjs: [], tiled: [] };
  try {
    for (const impl of ['tfjs', 'tiled'] as const) {
      setEngineFilterGrad(impl);
      await one(); // warm-up: pipelines compile on first use
    }
    for (let r = 0; r < a.steps; r++) {
      for (const impl of r % 2 ? (['tiled', 'tfjs'] as const) : (['tfjs', 'tiled'] as const)) {
        setEngineFilterGrad(impl);
        ms[impl].push(+(await one()).toFixed(0));
      }
    }
  } finally {
    setEngineFilterGrad('tiled');
    tf.dispose([x, y]);
    trainer.dispose();
    model.dispose();
  }
  const out: StepComparison = {
    depth: a.depth,
    batch: a.stepBatch,
    tfjsMsPerStep: median(ms.tfjs),
    tiledMsPerStep: median(ms.tiled),
    ratio: 0,
    tfjsSamples: ms.tfjs,
    tiledSamples: ms.tiled,
  };
  out.ratio = +(out.tfjsMsPerStep / out.tiledMsPerStep).toFixed(2);
  log(
    `engine ResNet-${a.depth} step, batch ${a.stepBatch} (call → loss read back): tfjs filter grad ` +
      `${out.tfjsMsPerStep} ms [${ms.tfjs.join(', ')}], tiled ${out.tiledMsPerStep} ms ` +
      `[${ms.tiled.join(', ')}]; ratio ${out.ratio}×`,
  );
  return out;
}

/** Runs on an already selected webgpu backend; prints one JSON line last and returns it. */
export async function main(argv: string[], adapter = ''): Promise<Record<string, unknown>> {
  const a = parse(argv);
  const t0 = performance.now();
  const result: Record<string, unknown> = {
    convgrad: a.layers ? await layers(a) : [],
    batch: a.batch,
    repeats: a.repeats,
    calls: a.calls,
  };
  if (a.step) result.step = await steps(a);
  result.adapter = adapter;
  result.wallSeconds = +((performance.now() - t0) / 1000).toFixed(1);
  log(JSON.stringify(result));
  return result;
}
