/**
 * Prints the kernels one training step dispatches (tf.profile), per model, on webgpu-in-Node
 * (or `--cpu`). Not a test: a figure for reports.
 *   LD_LIBRARY_PATH=/usr/lib/chromium VK_ICD_FILENAMES=/usr/lib/chromium/vk_swiftshader_icd.json \
 *     npx tsx src/engine/bench/kernel-count.node.ts [resnet56] [batch=2] [--cpu]
 */
import * as tf from '@tensorflow/tfjs';
import { buildModel, type ModelId } from '../models';
import { sgdImplementation } from '../ops/fused';
import { createTrainStep } from '../train-step';
import { useNodeWebGpu } from '../testing/webgpu.node.js';

/** Kernels that only relabel a buffer (no GPU dispatch). */
const VIEW_KERNELS = new Set(['Reshape', 'Identity']);

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const cpu = args.includes('--cpu');
  const positional = args.filter((a) => !a.startsWith('--'));
  const id = (positional[0] ?? 'resnet56') as ModelId;
  const batch = Number(positional[1] ?? 2);
  if (cpu) await tf.setBackend('cpu');
  else await useNodeWebGpu();

  const model = buildModel(id, 10, 1);
  const trainer = createTrainStep(model, {
    weightDecay: 5e-4,
    numClasses: 10,
    dataset: 'cifar10',
    seed: 1,
  });
  const x = tf.randomUniform([batch, 32, 32, 3], 0, 255) as tf.Tensor4D;
  const y = tf.tensor1d(
    Array.from({ length: batch }, (_, i) => i % 10),
    'int32',
  );
  // Warm-up step compiles pipelines and creates cached constants.
  tf.dispose(trainer.step(x, y, 0.1, 0.9));
  const before = tf.memory().numTensors;
  const profile = await tf.profile(() => {
    tf.dispose(trainer.step(x, y, 0.1, 0.9));
  });
  const counts = new Map<string, number>();
  for (const k of profile.kernels) counts.set(k.name, (counts.get(k.name) ?? 0) + 1);
  const views = profile.kernels.filter((k) => VIEW_KERNELS.has(k.name)).length;
  console.log(
    JSON.stringify({
      backend: tf.getBackend(),
      model: id,
      batch,
      params: model.paramCount,
      sgd: sgdImplementation(),
      kernels: profile.kernels.length,
      kernelsExcludingViews: profile.kernels.length - views,
      peakBytes: profile.peakBytes,
      tensorsLeakedPerStep: tf.memory().numTensors - before,
    }),
  );
  console.log(
    [...counts.entries()]
      .sort((a, b) => b[1] - a[1])
      .map(([k, n]) => `${k}:${n}`)
      .join(' '),
  );
  trainer.dispose();
  model.dispose();
  tf.dispose([x, y]);
}

void main();
