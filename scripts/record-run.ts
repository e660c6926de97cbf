/**
 * Records a tiny real training run (cpu backend, or --backend webgpu through Dawn) and prints (or writes) its loss series as
 * JSON: used to make the diagnosis fixture and to tune the overfit e2e configuration.
 *   npx tsx scripts/record-run.ts --trainSize 64 --valSize 64 --epochs 20 --lr 0.02 --wd 0 --augment off --out x.json
 */
import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { defaultConfig, type TrainConfig } from '../src/core/config';
import type { TrainPoint, ValPoint } from '../src/core/run';
import { runTraining } from '../src/engine/run';
import { useBackend } from '../src/engine/testing/backend.node.js';
import { memoryDataset, readCifarRecords } from '../src/engine/testing/cifar.node.js';

const { values: a } = parseArgs({
  options: {
    trainSize: { type: 'string', default: '64' },
    valSize: { type: 'string', default: '64' },
    batchSize: { type: 'string', default: '16' },
    epochs: { type: 'string', default: '20' },
    lr: { type: 'string', default: '0.02' },
    lrMax: { type: 'string' },
    wd: { type: 'string', default: '0' },
    augment: { type: 'string', default: 'off' },
    seed: { type: 'string', default: '7' },
    backend: { type: 'string', default: 'cpu' },
    out: { type: 'string' },
  },
});

const config: TrainConfig = {
  ...defaultConfig(),
  model: 'shallow3',
  trainSize: Number(a.trainSize),
  valSize: Number(a.valSize),
  batchSize: Number(a.batchSize),
  epochs: Number(a.epochs),
  lrMin: Number(a.lr),
  lrMax: Number(a.lrMax ?? a.lr),
  wd: Number(a.wd),
  seed: Number(a.seed),
  augment: a.augment === 'on' ? 'on' : 'off',
  backend: a.backend === 'webgpu' ? 'webgpu' : 'cpu',
};

await useBackend(a.backend === 'webgpu' ? 'webgpu' : 'cpu');
const records = await readCifarRecords(config.trainSize + config.valSize);
const cut = (from: number, to: number) => ({
  labels: records.labels.slice(from, to),
  pixels: records.pixels.slice(from * 3072, to * 3072),
});
const data = memoryDataset(
  cut(0, config.trainSize),
  cut(config.trainSize, config.trainSize + config.valSize),
);

const train: TrainPoint[] = [];
const val: ValPoint[] = [];
const outcome = await runTraining(config, data, {
  emit: (e) => {
    if (e.type === 'trainPoints') train.push(...e.points);
    if (e.type === 'valPoint') {
      val.push(e.point);
      console.error(
        `epoch ${e.point.epoch.toFixed(0)} val ${e.point.loss.toFixed(3)} top1 ${e.point.top1.toFixed(2)}`,
      );
    }
  },
  checkpoint: async () => true,
});

const round = (x: number) => Number(x.toPrecision(5));
const result = {
  source: 'scripts/record-run.ts',
  outcome,
  config,
  train: train.map((p) => [p.step, round(p.loss), round(p.lr)]),
  val: val.map((p) => [p.step, round(p.loss), round(p.top1)]),
};
const json = JSON.stringify(result);
if (a.out) writeFileSync(a.out, json + '\n');
else console.log(json);
