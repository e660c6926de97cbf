// The benchmark proper (see scripts/bench.ts for the environment it needs and docs/benchmarks.md).
import * as tf from '@tensorflow/tfjs';
import { buildModel, type ModelId } from '../../src/engine/models/index';
import { createTrainStep } from '../../src/engine/train-step';
import { parseBenchArgs, type BenchArgs } from './args';
import { measureStep, type StepFigures } from './measure';
import { buildNaiveResNet, createNaiveStep } from './naive-resnet';
import { measureAssembly } from './pipeline';
import { useNodeWebGpu } from './webgpu-node';

const LR = 0.05;
const MOMENTUM = 0.9;
const SEED = 1;

function randomBatch(args: BenchArgs): { xRaw: tf.Tensor4D; labels: tf.Tensor1D } {
  return {
    xRaw: tf.randomUniform([args.batch, 32, 32, 3], 0, 255, 'float32', SEED) as tf.Tensor4D,
    labels: tf.randomUniform([args.batch], 0, args.numClasses, 'int32', SEED + 1) as tf.Tensor1D,
  };
}

async function benchEngine(
  args: BenchArgs,
  xRaw: tf.Tensor4D,
  labels: tf.Tensor1D,
): Promise<StepFigures> {
  const model = buildModel(`resnet${args.depth}` as ModelId, args.numClasses, SEED);
  const trainer = createTrainStep(model, {
    weightDecay: args.weightDecay,
    numClasses: args.numClasses,
    dataset: 'cifar10',
    augment: true,
    seed: SEED,
  });
  try {
    return await measureStep(() => trainer.step(xRaw, labels, LR, MOMENTUM), args);
  } finally {
    trainer.dispose();
    model.dispose();
  }
}

async function benchNaive(
  args: BenchArgs,
  xRaw: tf.Tensor4D,
  labels: tf.Tensor1D,
): Promise<StepFigures> {
  const model = buildNaiveResNet({
    depth: args.depth,
    numClasses: args.numClasses,
    weightDecay: args.weightDecay,
    seed: SEED,
  });
  // The naive user normalizes once, outside the step, and does no augmentation.
  const x = tf.tidy(() => xRaw.div(255).sub(0.5)) as tf.Tensor4D;
  const step = createNaiveStep(model, { lr: LR, momentum: MOMENTUM, numClasses: args.numClasses });
  try {
    return await measureStep(() => step(x, labels), args);
  } finally {
    x.dispose();
    model.dispose();
  }
}

function log(line: string): void {
  process.stdout.write(line + '\n');
}

function describe(name: string, f: StepFigures, batch: number): void {
  const mb = (bytes: number) => (bytes / batch / 1e6).toFixed(2);
  const samples = f.hostMsSamples.map((s) => s.toFixed(0)).join(', ');
  log(
    `${name.padEnd(6)} kernels ${f.kernels}  host ${f.hostMs.toFixed(1)} ms (${samples})` +
      `  step+drain ${f.wallMs.toFixed(0)} ms  readbacks ${f.readbacks}  peak ${mb(f.peakBytes)} MB/image (step ${mb(f.peakStepBytes)})` +
      `  leaked tensors/step ${f.leakedTensors}`,
  );
}

const round = (x: number, digits = 2) => Math.round(x * 10 ** digits) / 10 ** digits;

export async function main(argv: string[]): Promise<void> {
  const args = parseBenchArgs(argv);
  const started = performance.now();
  const adapter = await useNodeWebGpu();
  log(
    `bench: ResNet-${args.depth}, batch ${args.batch}, ${args.warmup} warm-up + ${args.steps} timed steps`,
  );
  log(`adapter: ${adapter}; tfjs ${tf.version.tfjs}, backend ${tf.getBackend()}`);

  const assembly = await measureAssembly(args.batch, 20);
  log(
    `input  BatchAssembler.assemble ${assembly.hostMs.toFixed(3)} ms/batch (real CIFAR-10 records)`,
  );

  const { xRaw, labels } = randomBatch(args);
  const engine = await benchEngine(args, xRaw, labels);
  describe('engine', engine, args.batch);
  const naive = await benchNaive(args, xRaw, labels);
  describe('naive', naive, args.batch);
  tf.dispose([xRaw, labels]);

  const perImage = (bytes: number) => Math.round(bytes / args.batch);
  const result = {
    kernelsPerStep: engine.kernels,
    hostMsPerStep: round(engine.hostMs),
    readbacksPerStep: engine.readbacks,
    peakBytesPerImage: perImage(engine.peakBytes),
    naiveKernelsPerStep: naive.kernels,
    naiveHostMsPerStep: round(naive.hostMs),
    naivePeakBytesPerImage: perImage(naive.peakBytes),
    naiveReadbacksPerStep: naive.readbacks,
    kernelsRatio: round(naive.kernels / engine.kernels),
    hostMsRatio: round(naive.hostMs / engine.hostMs),
    peakBytesRatio: round(naive.peakBytes / engine.peakBytes),
    peakStepBytesPerImage: perImage(engine.peakStepBytes),
    naivePeakStepBytesPerImage: perImage(naive.peakStepBytes),
    stepWallMs: round(engine.wallMs, 0),
    naiveStepWallMs: round(naive.wallMs, 0),
    assembleHostMsPerBatch: round(assembly.hostMs, 3),
    leakedTensorsPerStep: engine.leakedTensors,
    naiveLeakedTensorsPerStep: naive.leakedTensors,
    depth: args.depth,
    batch: args.batch,
    steps: args.steps,
    adapter,
    wallSeconds: round((performance.now() - started) / 1000, 1),
  };
  log(JSON.stringify(result));
}
