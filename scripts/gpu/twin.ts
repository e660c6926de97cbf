/**
 * `driver twin`: the engine against PyTorch on the same machine, from the same weights, on the
 * same CIFAR-10 records (augmentation off): the lab's own export (train.py + init.bin) runs in
 * PyTorch (cuda on the GPU machine, cpu in the dry run) and the engine runs the same config on
 * tfjs's current backend. Prints each side's losses and the worst relative difference.
 *   twin --depth 56 --batch 128 --steps 20 --data TAR --out DIR [--device cuda] [--python python3]
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import type { ModelName } from '../../src/core/config';
import { initialWeightsFile, pytorchScript } from '../../src/core/export';
import {
  engineCurve,
  trainLossesFromLog,
  twinCurveConfig,
} from '../../src/engine/testing/twin.node.js';

const log = (s: string) => process.stdout.write(s + '\n');

export async function twin(argv: string[]): Promise<void> {
  const { values: v } = parseArgs({
    args: argv,
    options: {
      depth: { type: 'string', default: '56' },
      batch: { type: 'string', default: '128' },
      steps: { type: 'string', default: '20' },
      data: { type: 'string' },
      out: { type: 'string', default: '/tmp/twin' },
      device: { type: 'string', default: 'cuda' },
      python: { type: 'string', default: 'python3' },
    },
  });
  if (!v.data) throw new Error('twin needs --data (a CIFAR-10 binary tarball)');
  const steps = Number(v.steps);
  const config = twinCurveConfig(`resnet${v.depth}` as ModelName, Number(v.batch), steps);
  mkdirSync(v.out!, { recursive: true });
  const script = join(v.out!, 'train.py');
  const weights = join(v.out!, 'init.bin');
  const jsonl = join(v.out!, 'torch.jsonl');
  writeFileSync(script, pytorchScript(config));
  writeFileSync(weights, initialWeightsFile(config));

  const t0 = performance.now();
  const { outcome, losses: ours } = await engineCurve(config, v.data);
  const engineSeconds = (performance.now() - t0) / 1000;

  const t1 = performance.now();
  const args = [script, '--data', v.data, '--steps', String(steps), '--dtype', 'float32'];
  execFileSync(v.python!, [...args, '--init', weights, '--log', jsonl, '--device', v.device!], {
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const torchSeconds = (performance.now() - t1) / 1000;
  const theirs = trainLossesFromLog(jsonl);
  const n = Math.min(ours.length, theirs.length);
  const rel = ours.slice(0, n).map((l, i) => Math.abs(l - theirs[i]!) / Math.abs(theirs[i]!));
  log(`engine ${ours.map((l) => l.toFixed(5)).join(' ')}`);
  log(`torch  ${theirs.map((l) => l.toFixed(5)).join(' ')}`);
  log(
    JSON.stringify({
      twin: config.model,
      batch: config.batchSize,
      steps: n,
      outcome,
      torchDevice: v.device,
      worstRelLossDiff: +Math.max(...rel).toExponential(2),
      relLossDiff: rel.map((r) => +r.toExponential(2)),
      engineSeconds: +engineSeconds.toFixed(1),
      torchSeconds: +torchSeconds.toFixed(1),
    }),
  );
}
