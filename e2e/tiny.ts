/** A configuration small enough for SwiftShader: Smith's shallow net on 256 real CIFAR images. */
export const TINY = {
  model: 'shallow3',
  dataset: 'cifar10',
  trainSize: '256',
  valSize: '64',
  batchSize: '16',
  epochs: '2',
  lrMin: '0.005',
  lrMax: '0.05',
  momMax: '0.95',
  momMin: '0.85',
  wd: '0.0005',
  seed: '7',
  backend: 'auto',
} as const;
