import { describe, expect, it } from 'vitest';
import { initialWeights, paramSpecs, resnetSpec } from './model-spec';

describe('paramSpecs', () => {
  it('lists ResNet-20 as 19 conv filters, one BN buffer and the fc layer (He et al.: 0.27M)', () => {
    const specs = paramSpecs('resnet20', 10);
    expect(specs.map((s) => s.name).slice(0, 3)).toEqual(['stem', 'block0.a', 'block0.b']);
    expect(specs.slice(-3).map((s) => s.name)).toEqual(['bn', 'fc.w', 'fc.b']);
    expect(specs.length).toBe(19 + 3);
    const count = specs.reduce((n, s) => n + s.shape.reduce((a, b) => a * b, 1), 0);
    expect(count).toBe(269_722);
    expect(resnetSpec('resnet20').bnTotal).toBe(16 + 6 * 16 + 6 * 32 + 6 * 64);
  });

  it('gives stride 2 and 8 channels of shortcut padding at the first block of stages 2 and 3', () => {
    const { blocks } = resnetSpec('resnet20');
    expect(blocks.map((b) => b.stride)).toEqual([1, 1, 1, 2, 1, 1, 2, 1, 1]);
    expect(blocks[3]!.pad).toBe(8);
    expect(blocks[6]!.pad).toBe(16);
  });

  it('rejects an unknown model', () => {
    expect(() => paramSpecs('resnet999' as never, 10)).toThrow(/Not a ResNet/);
  });
});

describe('initialWeights', () => {
  it('is a pure function of the seed', () => {
    const specs = paramSpecs('shallow3', 10);
    const a = initialWeights(specs, 5);
    expect(initialWeights(specs, 5)).toEqual(a);
    expect(initialWeights(specs, 6)[0]).not.toEqual(a[0]);
  });

  it('draws convs He-normal and fully connected layers uniform in ±1/√fan_in', () => {
    const specs = paramSpecs('resnet20', 10);
    const w = initialWeights(specs, 1);
    const stem = w[0]!;
    const std = Math.sqrt(stem.reduce((s, v) => s + v * v, 0) / stem.length);
    expect(std).toBeGreaterThan(0.2); // √(2/27) ≈ 0.272
    expect(std).toBeLessThan(0.35);
    const [bn, fcW, fcB] = w.slice(-3) as [Float32Array, Float32Array, Float32Array];
    expect(bn.subarray(0, bn.length / 2).every((v) => v === 1)).toBe(true);
    expect(bn.subarray(bn.length / 2).every((v) => v === 0)).toBe(true);
    for (const t of [fcW, fcB]) {
      expect(Math.max(...t.map(Math.abs))).toBeLessThanOrEqual(1 / 8);
      expect(Math.max(...t.map(Math.abs))).toBeGreaterThan(1 / 16);
    }
  });
});
