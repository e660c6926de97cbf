/**
 * The exported train.py against the lab's own TypeScript: schedules, generator, data order,
 * augmentation draws and initial weights must agree exactly; the script must train on the real
 * tarball, alone and under torchrun, and write a log the history imports. Needs /usr/bin/python3
 * with torch (Debian: apt-get install -y python3-torch).
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultConfig, SCHEDULES, type TrainConfig } from '../src/core/config';
import { initialWeightsFile, pytorchScript } from '../src/core/export';
import { parsePytorchLog } from '../src/core/pytorch-log';
import { Rng } from '../src/core/rng';
import { scheduleAt } from '../src/core/schedules';
import { scheduleFromConfig } from '../src/core/schedules/from-config';
import { epochOrder } from '../src/engine/order';

const PYTHON = '/usr/bin/python3';
const REPO = path.resolve(import.meta.dirname, '..');
const TARBALL = path.resolve(REPO, '../shared/datasets/cifar10/cifar-10-binary.tar.gz');
const dir = mkdtempSync(path.join(tmpdir(), 'pytorch-export-'));

/** A tiny run: 2 steps per epoch, so an evaluation falls within three steps. */
const TINY: TrainConfig = {
  ...defaultConfig(),
  model: 'resnet20',
  trainSize: 16,
  valSize: 16,
  batchSize: 8,
  epochs: 2,
  lrMax: 0.4,
  lrMin: 0.04,
  augment: 'on',
};

beforeAll(() => {
  const probe = spawnSync(PYTHON, ['-c', 'import torch'], { encoding: 'utf8' });
  if (probe.status !== 0)
    throw new Error(
      `These tests run the exported script with ${PYTHON} and PyTorch, which is missing here ` +
        `(apt-get install -y python3-torch):\n${probe.stderr || String(probe.error)}`,
    );
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

function writeScript(name: string, config: TrainConfig): string {
  const file = path.join(dir, `${name}.py`);
  writeFileSync(file, pytorchScript(config));
  return file;
}

/** Imports a generated script as a module and runs `body` (Python) with it bound to `t`. */
function python(script: string, body: string): unknown {
  const driver = [
    'import importlib.util, json, sys',
    `spec = importlib.util.spec_from_file_location("t", ${JSON.stringify(script)})`,
    't = importlib.util.module_from_spec(spec); spec.loader.exec_module(t)',
    body,
  ].join('\n');
  const out = execFileSync(PYTHON, ['-c', driver], { encoding: 'utf8', maxBuffer: 1 << 28 });
  return JSON.parse(out) as unknown;
}

describe('train.py as a module, against the lab', () => {
  it('computes every schedule as the lab does, to 1e-12', () => {
    const spe = 37;
    const total = spe * 5;
    const cases: Partial<TrainConfig>[] = [
      ...SCHEDULES.map((schedule) => ({ schedule })),
      ...SCHEDULES.map((schedule) => ({ schedule, momSchedule: 'constant' as const })),
      { schedule: 'onecycle-cos', threePhase: 'on', pctStart: 0.25 },
      { schedule: 'clr-exp-range', clrGamma: 0.99, stepSize: 0.7 },
      { schedule: 'multistep', dropAt1: 33.3, dropAt2: 90, dropFactor: 3 },
    ];
    const configs = cases.map((c) => ({ ...defaultConfig(), epochs: 5, lrMin: 0.03, ...c }));
    const got = python(
      writeScript('schedules', defaultConfig()),
      `out = []
for c in json.loads(${JSON.stringify(JSON.stringify(configs))}):
    t.CONFIG.update(c)
    out.append([t.schedule_at(s, ${total}, ${spe}) for s in range(${total + 1})])
print(json.dumps(out))`,
    ) as [number, number][][];
    configs.forEach((c, k) => {
      const spec = scheduleFromConfig(c, spe);
      for (let s = 0; s <= total; s++) {
        const want = scheduleAt(s, spec, total, spe);
        const [lr, mom] = got[k]![s]!;
        expect(Math.abs(lr - want.lr), `${c.schedule} lr at ${s}`).toBeLessThanOrEqual(1e-12);
        expect(Math.abs(mom - want.momentum), `${c.schedule} mom at ${s}`).toBeLessThanOrEqual(
          1e-12,
        );
      }
    });
  });

  it('draws the same numbers, batch order and crops, and crops the same pixels', () => {
    const got = python(
      writeScript('rng', TINY),
      `r = t.Rng(123456789)
seq = [r.next() for _ in range(50)] + [r.int(9) for _ in range(50)] + [r.normal() for _ in range(20)]
f = t.Rng(7).fork(0x5EED + 3)
import torch
x = torch.arange(2 * 3 * 32 * 32, dtype=torch.int64).remainder(251).to(torch.uint8).view(2, 3, 32, 32)
crops = [(0, 8, True), (5, 2, False)]
print(json.dumps({
  "seq": seq, "fork": [f.next() for _ in range(5)], "perm": t.Rng(99).permutation(20),
  "order0": t.epoch_order(0, 12000, 5), "order2": t.epoch_order(2, 1000, 5),
  "crops": t.draw_crops(t.Rng(TINY_SEED + 1), 40),
  "cropped": t.crop_and_flip(x, crops).flatten().tolist(),
}))`.replace('TINY_SEED', String(TINY.seed)),
    ) as Record<string, unknown>;
    const r = new Rng(123456789);
    const seq = [
      ...Array.from({ length: 50 }, () => r.next()),
      ...Array.from({ length: 50 }, () => r.int(9)),
    ];
    const gotSeq = got.seq as number[];
    expect(gotSeq.slice(0, 100)).toEqual(seq);
    // Normals go through log and cos, whose last bit V8 and the C library may round apart
    // (about 6% of draws); weights are float32, where the two agree (next test).
    for (const g of gotSeq.slice(100)) {
      const want = r.normal();
      expect(Math.abs(g - want)).toBeLessThanOrEqual(4e-16 * Math.max(1, Math.abs(want)));
    }
    const f = new Rng(7).fork(0x5eed + 3);
    expect(got.fork).toEqual(Array.from({ length: 5 }, () => f.next()));
    expect(got.perm).toEqual(Array.from(new Rng(99).permutation(20)));
    expect(got.order0).toEqual(Array.from(epochOrder(0, 12000, 5)));
    expect(got.order2).toEqual(Array.from(epochOrder(2, 1000, 5)));
    // The engine's draw order per image: row offset, column offset, flip (src/engine/augment.ts).
    const a = new Rng(TINY.seed + 1);
    const crops = Array.from({ length: 40 }, () => [a.int(9), a.int(9), a.next() < 0.5]);
    expect(got.crops).toEqual(crops);
    expect(got.cropped).toEqual(
      referenceCrop([
        [0, 8, true],
        [5, 2, false],
      ]),
    );
  });

  it.each([
    ['resnet20', 'cifar10'],
    ['shallow3', 'cifar100'],
  ] as const)('draws the lab initial weights of %s (%s), and reads them back', (model, dataset) => {
    const config = { ...TINY, model, dataset, seed: 42 };
    const bin = path.join(dir, `${model}.bin`);
    writeFileSync(bin, initialWeightsFile(config));
    const out = path.join(dir, `${model}-py.bin`);
    const got = python(
      writeScript(`init-${model}`, config),
      `import torch
arrays = t.initial_weights(t.CONFIG["seed"])
with open(${JSON.stringify(out)}, "wb") as f:
    f.write(torch.cat([a.reshape(-1) for a in arrays]).numpy().tobytes())
seeded = t.build_model(); t.init_from_seed(seeded, t.CONFIG["seed"])
loaded = t.build_model(); t.set_lab_weights(loaded, t.read_weights_file(${JSON.stringify(bin)}))
same = all(torch.equal(a, b) for a, b in zip(seeded.state_dict().values(), loaded.state_dict().values()))
back = all(torch.equal(a.reshape(-1), b) for a, b in zip(arrays, t.lab_weights(seeded)))
print(json.dumps({"same": same, "back": back, "shapes": [s for _, s in t.param_specs()]}))`,
    ) as { same: boolean; back: boolean; shapes: number[][] };
    expect(readFileSync(out).equals(readFileSync(bin))).toBe(true);
    expect(got).toMatchObject({ same: true, back: true });
  });
});

/** Pads 4 zero pixels, crops 32×32 at (dy, dx), flips: written apart from the script's way. */
function referenceCrop(crops: [number, number, boolean][]): number[] {
  const out: number[] = [];
  crops.forEach(([dy, dx, flip], n) => {
    for (let c = 0; c < 3; c++)
      for (let y = 0; y < 32; y++)
        for (let x = 0; x < 32; x++) {
          const sy = y + dy - 4;
          const sx = (flip ? 31 - x : x) + dx - 4;
          const inside = sy >= 0 && sy < 32 && sx >= 0 && sx < 32;
          out.push(inside ? (((n * 3 + c) * 32 + sy) * 32 + sx) % 251 : 0);
        }
  });
  return out;
}

/** torch 1.13's torchrun cannot parse its own default `--redirects 0` / `--tee 0` on Python 3.11. */
const TORCHRUN = [
  ...['-m', 'torch.distributed.run', '--standalone', '--nproc_per_node=2'],
  ...['--redirects', '2', '--tee', '2', '--monitor_interval', '1'],
];

// Generous: four engineers share two cores here, and torchrun alone can take a minute then.
describe('train.py on the real tarball', { timeout: 300_000 }, () => {
  const run = (script: string, args: string[], torchrun = false) => {
    const argv = torchrun ? [...TORCHRUN, script, ...args] : [script, ...args];
    const res = spawnSync(PYTHON, argv, {
      encoding: 'utf8',
      timeout: 240_000,
      env: { ...process.env, OMP_NUM_THREADS: '1' },
    });
    expect(res.status, `${res.stdout}\n${res.stderr}`).toBe(0);
    return res;
  };

  it.each(['resnet20', 'shallow3'] as const)(
    '%s trains 3 steps with augmentation and logs them for the history',
    (model) => {
      const script = writeScript(`run-${model}`, { ...TINY, model });
      const log = path.join(dir, `${model}.jsonl`);
      run(script, ['--data', TARBALL, '--steps', '3', '--log', log, '--device', 'cpu']);
      const { runs, notices } = parsePytorchLog(readFileSync(log, 'utf8'));
      expect(notices).toEqual([]);
      const r = runs[0]!;
      expect(r.config).toEqual({ ...TINY, model });
      expect(r.status).toBe('stopped');
      expect(r.totalSteps).toBe(4);
      expect(r.train.map((p) => p.step)).toEqual([1, 2, 3]);
      expect(r.train.every((p) => Number.isFinite(p.loss))).toBe(true);
      // The first loss of a fresh net is near ln 10.
      expect(Math.abs(r.train[0]!.loss - Math.log(10))).toBeLessThan(1.5);
      const spec = scheduleFromConfig(TINY, 2);
      r.train.forEach((p) => expect(p.lr).toBeCloseTo(scheduleAt(p.step - 1, spec, 4, 2).lr, 12));
      expect(r.val).toHaveLength(1);
      expect(r.val[0]).toMatchObject({ step: 2, epoch: 1 });
      expect(r.val[0]!.elapsedSec).toBeGreaterThan(0);
    },
  );

  it('runs under torchrun on two CPU processes (gloo) with the same global batch', () => {
    // Shallow3 has no batch norm, so two processes must match one to float32 noise.
    const script = writeScript('run-shallow3', { ...TINY, model: 'shallow3' });
    const log = path.join(dir, 'ddp.jsonl');
    const res = run(script, ['--data', TARBALL, '--steps', '2', '--log', log], true);
    expect(res.stdout).toContain('stopped after 2 of 4 steps');
    const lines = readFileSync(log, 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(lines[0]).toMatchObject({ type: 'header', world: 2, device: 'cpu' });
    const one = parsePytorchLog(readFileSync(path.join(dir, 'shallow3.jsonl'), 'utf8')).runs[0]!;
    const two = parsePytorchLog(readFileSync(log, 'utf8')).runs[0]!;
    expect(two.train).toHaveLength(2);
    two.train.forEach((p, i) => expect(p.loss).toBeCloseTo(one.train[i]!.loss, 4));
  });
});
