// `npm run bench:inputgrad`: the input-gradient convolution (Conv2DBackpropInput) on webgpu,
// tfjs's default naive kernel against its matmul ("MM") kernel, which tfjs 4.22 keeps behind
// WEBGPU_USE_NAIVE_CONV2D_TRANSPOSE (default true). Per ResNet-56 layer shape: ms per call of
// each, and each one's error against a float64 reference computed here in JS; then (with --step)
// engine training steps with each kernel, alternating. Every ratio comes from the same process.
//   --batch N (8)  --repeats R (5)  --calls C (4)  --step  --depth D (20)  --step-batch N (8)
//   --steps S (3)
import * as tf from '@tensorflow/tfjs';
import { parseArgs } from 'node:util';
import { buildModel, type ModelId } from '../../src/engine/models/index';
import { RESNET_PAD } from '../../src/engine/models/resnet-step';
import { relL2 } from '../../src/engine/testing/compare.node.js';
import { createTrainStep } from '../../src/engine/train-step';
import { LAYERS, median, sample } from './conv-filter-grad';

const FLAG = 'WEBGPU_USE_NAIVE_CONV2D_TRANSPOSE';
const SEED = 3;
const log = (s: string) => process.stdout.write(s + '\n');

type Kernel = 'naive' | 'mm';
const setKernel = (k: Kernel) => tf.env().set(FLAG, k === 'naive');

/**
 * dx of a 3×3 convolution with symmetric padding `pad`, in float64: every dy element scatters
 * into the input positions its window read (the definition, with no transposed-conv algebra).
 */
export function inputGradF64(
  dy: Float32Array,
  w: Float32Array,
  n: number,
  hw: number,
  ci: number,
  co: number,
  stride: number,
  pad: number,
): Float64Array {
  const ho = Math.floor((hw + 2 * pad - 3) / stride) + 1;
  const dx = new Float64Array(n * hw * hw * ci);
  for (let b = 0; b < n; b++)
    for (let p = 0; p < ho; p++)
      for (let q = 0; q < ho; q++)
        for (let kh = 0; kh < 3; kh++) {
          const i = p * stride - pad + kh;
          if (i < 0 || i >= hw) continue;
          for (let kw = 0; kw < 3; kw++) {
            const j = q * stride - pad + kw;
            if (j < 0 || j >= hw) continue;
            const dyBase = ((b * ho + p) * ho + q) * co;
            const dxBase = ((b * hw + i) * hw + j) * ci;
            const wBase = (kh * 3 + kw) * ci * co;
            for (let c = 0; c < ci; c++) {
              let acc = 0;
              for (let o = 0; o < co; o++) acc += dy[dyBase + o]! * w[wBase + c * co + o]!;
              dx[dxBase + c] = dx[dxBase + c]! + acc;
            }
          }
        }
  return dx;
}

export interface InputGradRow {
  layer: string;
  naiveMs: number;
  mmMs: number;
  ratio: number;
  naiveRelErr: number;
  mmRelErr: number;
}

async function layers(batch: number, repeats: number, calls: number): Promise<InputGradRow[]> {
  const rows: InputGradRow[] = [];
  for (const l of LAYERS) {
    const ho = Math.floor((l.hw + 2 * RESNET_PAD - 3) / l.stride) + 1;
    const dy = tf.randomNormal([batch, ho, ho, l.co], 0, 1, 'float32', SEED) as tf.Tensor4D;
    const w = tf.randomNormal([3, 3, l.ci, l.co], 0, 0.1, 'float32', SEED + 1) as tf.Tensor4D;
    const inputShape = [batch, l.hw, l.hw, l.ci];
    const attrs = {
      strides: l.stride,
      pad: RESNET_PAD,
      dataFormat: 'NHWC',
      dilations: 1,
      inputShape,
    };
    const run = (k: Kernel) => () => {
      setKernel(k);
      return tf.engine().runKernel('Conv2DBackpropInput', { dy, filter: w }, attrs) as tf.Tensor;
    };
    const ref = inputGradF64(
      (await dy.data()) as Float32Array,
      (await w.data()) as Float32Array,
      batch,
      l.hw,
      l.ci,
      l.co,
      l.stride,
      RESNET_PAD,
    );
    const err: Record<Kernel, number> = { naive: 0, mm: 0 };
    for (const k of ['naive', 'mm'] as const) {
      const out = run(k)();
      err[k] = relL2(await out.data(), ref);
      out.dispose();
    }
    const ms: Record<Kernel, number[]> = { naive: [], mm: [] };
    for (let r = 0; r < repeats; r++) {
      // Alternate the order so that drift in machine load hits both kernels alike.
      for (const k of r % 2 ? (['mm', 'naive'] as const) : (['naive', 'mm'] as const)) {
        ms[k].push(await sample(run(k), calls));
      }
    }
    tf.dispose([dy, w]);
    const row: InputGradRow = {
      layer: l.name,
      naiveMs: +median(ms.naive).toFixed(2),
      mmMs: +median(ms.mm).toFixed(2),
      ratio: 0,
      naiveRelErr: +err.naive.toExponential(2),
      mmRelErr: +err.mm.toExponential(2),
    };
    row.ratio = +(row.naiveMs / row.mmMs).toFixed(2);
    rows.push(row);
    log(
      `${l.name.padEnd(18)} batch ${batch}: naive ${row.naiveMs} ms, MM ${row.mmMs} ms; ` +
        `naive/MM ${row.ratio}×; rel. err vs float64: naive ${row.naiveRelErr}, MM ${row.mmRelErr}`,
    );
  }
  return rows;
}

/** Engine steps (call → loss read back) with each kernel, alternating; losses must agree. */
async function steps(depth: number, batch: number, count: number) {
  const model = buildModel(`resnet${depth}` as ModelId, 10, SEED);
  const trainer = createTrainStep(model, {
    weightDecay: 5e-4,
    numClasses: 10,
    dataset: 'cifar10',
    augment: false,
    seed: SEED,
    // The kernel is switched between steps: a recorded step would keep the one it recorded.
    replay: false,
  });
  const x = tf.randomUniform([batch, 32, 32, 3], 0, 255, 'float32', SEED) as tf.Tensor4D;
  const y = tf.randomUniform([batch], 0, 10, 'int32', SEED + 1) as tf.Tensor1D;
  // lr 0 keeps the weights fixed, so every step sees the same network and losses compare.
  const one = async () => {
    const t0 = performance.now();
    const loss = trainer.step(x, y, 0, 0.9);
    const v = (await loss.data())[0]!;
    loss.dispose();
    return { ms: performance.now() - t0, loss: v };
  };
  const ms: Record<Kernel, number[]> = { naive: [], mm: [] };
  const loss: Record<Kernel, number> = { naive: NaN, mm: NaN };
  try {
    for (const k of ['naive', 'mm'] as const) {
      setKernel(k);
      loss[k] = (await one()).loss; // warm-up compiles the pipelines
    }
    for (let r = 0; r < count; r++) {
      for (const k of r % 2 ? (['mm', 'naive'] as const) : (['naive', 'mm'] as const)) {
        setKernel(k);
        ms[k].push(+(await one()).ms.toFixed(0));
      }
    }
  } finally {
    tf.dispose([x, y]);
    trainer.dispose();
    model.dispose();
  }
  const out = {
    depth,
    batch,
    naiveMsPerStep: median(ms.naive),
    mmMsPerStep: median(ms.mm),
    ratio: +(median(ms.naive) / median(ms.mm)).toFixed(2),
    lossNaive: loss.naive,
    lossMm: loss.mm,
  };
  log(
    `engine ResNet-${depth} step, batch ${batch} (call → loss read back): naive input grad ` +
      `${out.naiveMsPerStep} ms [${ms.naive.join(', ')}], MM ${out.mmMsPerStep} ms ` +
      `[${ms.mm.join(', ')}]; ratio ${out.ratio}×; first loss ${loss.naive} vs ${loss.mm}`,
  );
  return out;
}

/** Runs on an already selected webgpu backend; prints one JSON line last. */
export async function main(argv: string[], adapter = ''): Promise<void> {
  const { values: v } = parseArgs({
    args: argv,
    options: {
      batch: { type: 'string', default: '8' },
      repeats: { type: 'string', default: '5' },
      calls: { type: 'string', default: '4' },
      step: { type: 'boolean', default: false },
      depth: { type: 'string', default: '20' },
      'step-batch': { type: 'string', default: '8' },
      steps: { type: 'string', default: '3' },
    },
  });
  const t0 = performance.now();
  const before = tf.env().getBool(FLAG);
  const result: Record<string, unknown> = {
    inputgrad: await layers(Number(v.batch), Number(v.repeats), Number(v.calls)),
  };
  if (v.step) result.step = await steps(Number(v.depth), Number(v['step-batch']), Number(v.steps));
  tf.env().set(FLAG, before);
  Object.assign(result, { batch: Number(v.batch), adapter });
  result.wallSeconds = +((performance.now() - t0) / 1000).toFixed(1);
  log(JSON.stringify(result));
}
