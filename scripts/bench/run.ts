// The benchmark proper (see scripts/bench.ts for the environment it needs and docs/benchmarks.md).
import * as tf from '@tensorflow/tfjs';
import { parseBenchArgs } from './args';
import { benchBoth, benchEval, randomBatch } from './builds';
import { countEngineStep, countTable } from './count-step';
import { median, type StepFigures } from './measure';
import { measureAssembly, measureThroughput } from './pipeline';
import { useNodeWebGpu } from './webgpu-node';

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

/** The batch the traffic target is set at (bytes scale with it; dispatches do not). */
const COUNT_BATCH = 128;

const round = (x: number, digits = 2) => Math.round(x * 10 ** digits) / 10 ** digits;

export async function main(argv: string[]): Promise<void> {
  const args = parseBenchArgs(argv);
  const started = performance.now();
  const adapter = await useNodeWebGpu();
  log(
    `bench: ResNet-${args.depth}, batch ${args.batch}, ${args.warmup} warm-up + ${args.steps} timed steps`,
  );
  log(`adapter: ${adapter}; tfjs ${tf.version.tfjs}, backend ${tf.getBackend()}`);

  // Counted, not timed: the same on every machine, so it comes first and fails fast.
  const count = countEngineStep(args, COUNT_BATCH);
  log(countTable(count));
  // The figures are the replayed plan's (what runs every step); tfjs's path beside them.
  const countFigures = {
    dispatchesPerStep: count.plan.total.dispatches,
    trafficBytesPerStep128: count.plan.total.bytes,
    tfjsDispatchesPerStep: count.total.dispatches,
    tfjsTrafficBytesPerStep128: count.total.bytes,
    flopsPerStep128: count.total.flops,
    peakBytesPerImage128: Math.round(count.peakBytes / COUNT_BATCH),
  };
  log(
    `peak at batch ${COUNT_BATCH} (counted, not run): ${(count.peakBytes / COUNT_BATCH / 1e6).toFixed(2)} MB per image`,
  );
  if (args.countOnly) {
    log(
      JSON.stringify({ ...countFigures, depth: args.depth, halfActivations: args.half, adapter }),
    );
    return;
  }

  const assembly = await measureAssembly(args.batch, 20);
  log(
    `input  BatchAssembler.assemble ${assembly.hostMs.toFixed(3)} ms/batch (real CIFAR-10 records)`,
  );

  const input = await measureThroughput(args.inputBatch, args.inputBatches);
  log(
    `input  ${Math.round(input.hostImagesPerSec)} images/s assembling (gather + CHW→HWC + tensor), ` +
      `${Math.round(input.withGpuImagesPerSec)} images/s with upload + GPU crop/flip/normalise ` +
      `(batch ${input.batch}; ${input.batches} and ${input.gpuBatches} batches from ${input.pool} real CIFAR-10 records)`,
  );
  const inputFigures = {
    inputImagesPerSec: Math.round(input.hostImagesPerSec),
    inputGpuImagesPerSec: Math.round(input.withGpuImagesPerSec),
    inputBatch: input.batch,
  };
  if (args.inputOnly) {
    log(
      JSON.stringify({
        ...inputFigures,
        assembleHostMsPerBatch: round(assembly.hostMs, 3),
        adapter,
      }),
    );
    return;
  }

  const { xRaw, labels } = randomBatch(args);
  // Timed steps alternate between the builds, so load that changes during the run is shared.
  const { engine, naive } = await benchBoth(args, xRaw, labels);
  describe('engine', engine, args.batch);
  describe('naive', naive, args.batch);
  const pairRatios = naive.hostMsSamples.map((n, i) => n / engine.hostMsSamples[i]!);
  log(`host-time ratio naive/engine per round: ${pairRatios.map((r) => r.toFixed(1)).join(', ')}`);
  const evalRun = await benchEval(args, xRaw, labels);
  const evalSamples = (t: { hostMsSamples: number[] }) =>
    t.hostMsSamples.map((x) => x.toFixed(1)).join(', ');
  log(
    `eval   host ${evalRun.replayed.hostMs.toFixed(1)} ms per validation batch replayed (${evalSamples(evalRun.replayed)}; ${evalRun.dispatches} dispatches)` +
      ` vs ${evalRun.tfjs.hostMs.toFixed(1)} ms through tfjs (${evalSamples(evalRun.tfjs)})`,
  );
  tf.dispose([xRaw, labels]);

  const perImage = (bytes: number) => Math.round(bytes / args.batch);
  const result = {
    kernelsPerStep: engine.kernels,
    // The replayed plan's dispatches (SGD fused in place); dispatchesPerStep counts tfjs's path.
    replayDispatchesPerStep: engine.kernels,
    hostMsPerStep: round(engine.hostMs),
    readbacksPerStep: engine.readbacks,
    peakBytesPerImage: perImage(engine.peakBytes),
    naiveKernelsPerStep: naive.kernels,
    naiveHostMsPerStep: round(naive.hostMs),
    naivePeakBytesPerImage: perImage(naive.peakBytes),
    naiveReadbacksPerStep: naive.readbacks,
    kernelsRatio: round(naive.kernels / engine.kernels),
    hostMsRatio: round(naive.hostMs / engine.hostMs),
    hostMsRatioMedianOfRounds: round(median(pairRatios)),
    peakBytesRatio: round(naive.peakBytes / engine.peakBytes),
    peakStepBytesPerImage: perImage(engine.peakStepBytes),
    naivePeakStepBytesPerImage: perImage(naive.peakStepBytes),
    stepWallMs: round(engine.wallMs, 0),
    naiveStepWallMs: round(naive.wallMs, 0),
    assembleHostMsPerBatch: round(assembly.hostMs, 3),
    ...inputFigures,
    ...countFigures,
    evalHostMsPerBatch: round(evalRun.replayed.hostMs),
    evalTfjsHostMsPerBatch: round(evalRun.tfjs.hostMs),
    evalHostMsRatio: round(evalRun.tfjs.hostMs / evalRun.replayed.hostMs),
    evalDispatchesPerBatch: evalRun.dispatches,
    evalLeakedTensorsPerBatch: evalRun.replayed.leakedTensors,
    leakedTensorsPerStep: engine.leakedTensors,
    naiveLeakedTensorsPerStep: naive.leakedTensors,
    depth: args.depth,
    halfActivations: args.half,
    batch: args.batch,
    steps: args.steps,
    adapter,
    wallSeconds: round((performance.now() - started) / 1000, 1),
  };
  log(JSON.stringify(result));
}
