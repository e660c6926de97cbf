/** Which config keys get which control; labels and ranges come from SCHEMA. */
import { SCHEMA, type TrainConfig } from '../../core/config';

type NumberKeys<T> = { [K in keyof T]: T[K] extends number ? K : never }[keyof T];
type StringKeys<T> = { [K in keyof T]: T[K] extends string ? K : never }[keyof T];

export type NumericKey = NumberKeys<TrainConfig>;
export type EnumKey = StringKeys<TrainConfig>;

/** Friendlier option text; the option values stay the schema's. */
export const OPTION_TEXT: Record<string, string> = {
  resnet20: 'ResNet-20',
  resnet32: 'ResNet-32',
  resnet44: 'ResNet-44',
  resnet56: 'ResNet-56',
  resnet110: 'ResNet-110',
  shallow3: 'Shallow 3-layer net (Smith)',
  cifar10: 'CIFAR-10',
  cifar100: 'CIFAR-100',
  auto: 'Auto (WebGPU, then WebGL, then CPU)',
  webgpu: 'WebGPU',
  webgl: 'WebGL',
  cpu: 'CPU',
  linear: 'Linear (Smith)',
  exp: 'Exponential (fastai, pytorch-lr-finder)',
  onecycle: '1cycle (Smith: linear up, down, anneal)',
  'onecycle-cos': '1cycle (fastai / PyTorch OneCycleLR: cosine)',
  'clr-triangular': 'Cyclical LR: triangular',
  'clr-triangular2': 'Cyclical LR: triangular2',
  'clr-exp-range': 'Cyclical LR: exp_range',
  multistep: 'Multistep (÷ at chosen points)',
  constant: 'Constant',
  cyclic: 'Cyclic, opposite to the LR',
  wd: 'Weight decay',
  mom: 'Momentum',
  batch: 'Batch size',
  rangeWd: 'LR range tests at several weight decays (Fig. 4a)',
  tiny: 'Tiny: one epoch each (a check, not a demo)',
  '5': '5 minutes',
  '10': '10 minutes',
  '20': '20 minutes',
};

export function datasetName(dataset: string): string {
  return OPTION_TEXT[dataset] ?? dataset;
}

export function numberField(key: NumericKey) {
  return SCHEMA[key];
}
