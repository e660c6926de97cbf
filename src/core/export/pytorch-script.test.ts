import { describe, expect, it } from 'vitest';
import { CONFIG_KEYS, defaultConfig } from '../config';
import { NUM_CLASSES } from '../dataset';
import { parseLink } from '../link';
import { initialWeights, paramSpecs } from '../model-spec';
import { exportQuery, initialWeightsFile, pytorchScript } from './index';

const config = { ...defaultConfig(), model: 'resnet20' as const, lrMax: 1.5, seed: 7 };

describe('pytorchScript', () => {
  const script = pytorchScript(config);

  it('bakes every setting into CONFIG, one line each, and the link into QUERY', () => {
    for (const key of CONFIG_KEYS)
      expect(script).toContain(`    ${JSON.stringify(key)}: ${JSON.stringify(config[key])},\n`);
    expect(script).toContain(`QUERY = ${JSON.stringify(exportQuery(config))}\n`);
    const words = script.replace(/\s+/g, ' ');
    expect(words).toContain('Run: resnet20 on cifar10, 20 epochs of 50000 images, batch 128,');
    expect(words).toContain('onecycle schedule, LR 0.08 to 1.5, momentum 0.95 to 0.85');
  });

  it.each([
    'class Rng:',
    'def epoch_order(epoch, n, seed):',
    'def param_specs():',
    'def build_model():',
    'def init_from_seed(model, seed):',
    'def set_lab_weights(model, arrays):',
    'def lab_grads(model):',
    'def load_cifar(path, dataset=None):',
    'def schedule_at(step, total_steps, steps_per_epoch):',
    'def normalize(x, dtype=torch.float32):',
    'def augment(x, rng, dtype=torch.float32):',
    'def main(argv=None):',
    'if __name__ == "__main__":\n    main()',
  ])('defines %s (the module contract a reference test imports)', (line) => {
    expect(script).toContain(line);
  });

  it('leaves no template holes and keeps Python escapes intact', () => {
    expect(script).not.toMatch(/\$\{|undefined|\[object /);
    // String.raw keeps "\n" as two characters inside the Python source.
    expect(script).toContain('json.dumps(record, allow_nan=False) + "\\n"');
    expect(script.startsWith('#!/usr/bin/env python3\n"""')).toBe(true);
  });

  it('keeps a hostile link as inert data: the settings come clamped through the schema', () => {
    const q = 'lrMax=1e9&model=<script>&evil="""\\&seed=-4';
    const { config: parsed, notices } = parseLink(new URLSearchParams(q));
    expect(notices.length).toBeGreaterThan(0);
    const text = pytorchScript(parsed, `${q}\n"""`);
    expect(text).toContain('    "lrMax": 10,\n');
    expect(text).toContain('    "model": "resnet56",\n');
    expect(text).toContain('    "seed": 0,\n');
    // The raw text lands in one JSON-escaped Python string literal, never in code.
    const line = text.split('\n').find((l) => l.startsWith('QUERY = '));
    expect(line).toBe(`QUERY = ${JSON.stringify(`${q}\n"""`)}`);
    expect(text.split('"""')).toHaveLength(pytorchScript(parsed).split('"""').length);
  });
});

describe('initialWeightsFile', () => {
  it.each([
    ['resnet20', 'cifar10'],
    ['shallow3', 'cifar100'],
  ] as const)('%s on %s: every parameter, model-spec order, float32 LE', (model, dataset) => {
    const c = { ...defaultConfig(), model, dataset, seed: 3 };
    const bytes = initialWeightsFile(c);
    const arrays = initialWeights(paramSpecs(model, NUM_CLASSES[dataset]), 3);
    const flat = new Float32Array(arrays.reduce((n, a) => n + a.length, 0));
    let at = 0;
    for (const a of arrays) {
      flat.set(a, at);
      at += a.length;
    }
    expect(bytes.length).toBe(flat.length * 4);
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    for (const i of [0, 1, 1000, flat.length - 1])
      expect(view.getFloat32(i * 4, true)).toBe(flat[i]);
  });
});
