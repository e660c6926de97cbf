/**
 * Every model's trainable parameters as pure data: name, shape in the engine's layout, and how the
 * seeded initialisation draws it. The engine builds its variables from `initialWeights`, and the
 * PyTorch export (src/core/export) ports the same draws, so one seed gives the same network in
 * both frameworks without shipping a weights file. Order = the engine's `model.params` order.
 *
 * Initialisation (chosen to match the field's references):
 * - convolutions: He et al. (2015) normal, std = √(2 / fan_in), as He et al.'s CIFAR ResNets;
 * - fully connected layers: PyTorch's default `nn.Linear` init, weight and bias uniform in
 *   ±1/√fan_in, so the first loss is near ln(classes) (He-normal logits start at 3.7–4.3 on
 *   CIFAR-10, far above ln 10 ≈ 2.30);
 * - batch norm γ = 1, β = 0; shallow3's conv biases 0.
 *
 * Layouts: conv filters [kh, kw, in, out] (PyTorch: [out, in, kh, kw]); fc weights [in, out]
 * (PyTorch: [out, in]); every BN layer's γ and β in one [2, T] buffer (row 0 γ, row 1 β), layers
 * in network order.
 */
import type { ModelName } from './config';
import { Rng } from './rng';

/** 'resnet8' (n = 1) is internal, for fast tests. */
export type ModelId = ModelName | 'resnet8';

export type InitRule =
  | { kind: 'heNormal'; fanIn: number }
  | { kind: 'uniform'; bound: number }
  /** Rows of a [2, T] BN buffer: row 0 = first, row 1 = second. */
  | { kind: 'rows'; first: number; second: number }
  | { kind: 'constant'; value: number };

export interface ParamSpec {
  name: string;
  shape: number[];
  init: InitRule;
}

/** One 3×3 conv + BN unit of a CIFAR ResNet. */
export interface ResNetUnitSpec {
  name: string;
  cin: number;
  cout: number;
  stride: number;
  /** First channel of this unit's BN layer in the flat [2, T] buffers. */
  bnOffset: number;
}

export interface ResNetSpec {
  n: number;
  stem: ResNetUnitSpec;
  /** Each block: two units and its option-A shortcut (subsample by `stride`, pad `pad` channels each side). */
  blocks: { a: ResNetUnitSpec; b: ResNetUnitSpec; stride: number; pad: number }[];
  /** T: channels of all BN layers together. */
  bnTotal: number;
}

/** Blocks per stage for depth 6n+2. */
export const RESNET_N: Readonly<Record<string, number>> = {
  resnet8: 1,
  resnet20: 3,
  resnet32: 5,
  resnet44: 7,
  resnet56: 9,
  resnet110: 18,
};

export function resnetSpec(id: ModelId): ResNetSpec {
  const n = RESNET_N[id];
  if (n === undefined) throw new Error(`Not a ResNet: ${id}`);
  let offset = 0;
  const unit = (name: string, cin: number, cout: number, stride: number): ResNetUnitSpec => {
    const u = { name, cin, cout, stride, bnOffset: offset };
    offset += cout;
    return u;
  };
  const stem = unit('stem', 3, 16, 1);
  const blocks: ResNetSpec['blocks'] = [];
  let cin = 16;
  for (const [stage, cout] of [16, 32, 64].entries()) {
    for (let i = 0; i < n; i++) {
      const stride = stage > 0 && i === 0 ? 2 : 1;
      const k = blocks.length;
      const a = unit(`block${k}.a`, cin, cout, stride);
      const b = unit(`block${k}.b`, cout, cout, 1);
      blocks.push({ a, b, stride, pad: (cout - cin) / 2 });
      cin = cout;
    }
  }
  return { n, stem, blocks, bnTotal: offset };
}

const linear = (name: string, fanIn: number, out: number): ParamSpec[] => [
  {
    name: `${name}.w`,
    shape: [fanIn, out],
    init: { kind: 'uniform', bound: 1 / Math.sqrt(fanIn) },
  },
  { name: `${name}.b`, shape: [out], init: { kind: 'uniform', bound: 1 / Math.sqrt(fanIn) } },
];

/** Shallow3's layers: cifar10_quick (three 5×5 convs, then fc 64 and fc classes). */
export const SHALLOW3_CONVS = [
  { name: 'conv1', cin: 3, cout: 32 },
  { name: 'conv2', cin: 32, cout: 32 },
  { name: 'conv3', cin: 32, cout: 64 },
] as const;

export function paramSpecs(id: ModelId, numClasses: number): ParamSpec[] {
  if (id === 'shallow3') {
    const convs = SHALLOW3_CONVS.flatMap(({ name, cin, cout }): ParamSpec[] => [
      { name: `${name}.w`, shape: [5, 5, cin, cout], init: { kind: 'heNormal', fanIn: 25 * cin } },
      { name: `${name}.b`, shape: [cout], init: { kind: 'constant', value: 0 } },
    ]);
    return [...convs, ...linear('fc1', 4 * 4 * 64, 64), ...linear('fc2', 64, numClasses)];
  }
  const spec = resnetSpec(id);
  const units = [spec.stem, ...spec.blocks.flatMap((b) => [b.a, b.b])];
  return [
    ...units.map((u): ParamSpec => ({
      name: u.name,
      shape: [3, 3, u.cin, u.cout],
      init: { kind: 'heNormal', fanIn: 9 * u.cin },
    })),
    { name: 'bn', shape: [2, spec.bnTotal], init: { kind: 'rows', first: 1, second: 0 } },
    ...linear('fc', 64, numClasses),
  ];
}

/**
 * The initial values of every parameter, drawn in `paramSpecs` order from one Rng seeded with
 * `seed`: He-normal draws `normal()` per value, uniform draws `(2·next() − 1)·bound`.
 */
export function initialWeights(specs: readonly ParamSpec[], seed: number): Float32Array[] {
  const rng = new Rng(seed);
  return specs.map(({ shape, init }) => {
    const values = new Float32Array(shape.reduce((a, b) => a * b, 1));
    switch (init.kind) {
      case 'heNormal': {
        const std = Math.sqrt(2 / init.fanIn);
        for (let i = 0; i < values.length; i++) values[i] = rng.normal() * std;
        break;
      }
      case 'uniform':
        for (let i = 0; i < values.length; i++) values[i] = (2 * rng.next() - 1) * init.bound;
        break;
      case 'rows':
        values.fill(init.first, 0, values.length / 2).fill(init.second, values.length / 2);
        break;
      case 'constant':
        values.fill(init.value);
        break;
    }
    return values;
  });
}
