// The "naive" baseline: a CIFAR ResNet built the textbook tfjs-layers way and trained with
// `optimizer.minimize(() => loss(model.apply(x, { training: true })))`, as a tfjs user would write it.
import * as tf from '@tensorflow/tfjs';

/** Option-A shortcut (He et al. 2016): subsample by 2 and zero-pad the new channels; no weights. */
class PadShortcut extends tf.layers.Layer {
  static readonly className = 'BenchPadShortcut';
  private readonly pad: number;

  constructor(config: { pad: number; name?: string }) {
    super(config);
    this.pad = config.pad;
  }

  override computeOutputShape(inputShape: tf.Shape | tf.Shape[]): tf.Shape {
    const s = inputShape as tf.Shape;
    const half = (d: number | null) => (d == null ? null : Math.ceil(d / 2));
    return [s[0] ?? null, half(s[1] ?? null), half(s[2] ?? null), (s[3] ?? 0) + 2 * this.pad];
  }

  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    const x = (Array.isArray(inputs) ? inputs[0] : inputs) as tf.Tensor4D;
    // StridedSlice has no gradient in tfjs 4.22, so subsample with a 1×1 average pool.
    const sub = tf.avgPool(x, 1, 2, 'valid');
    return tf.pad(sub, [
      [0, 0],
      [0, 0],
      [0, 0],
      [this.pad, this.pad],
    ]);
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), pad: this.pad };
  }
}
tf.serialization.registerClass(PadShortcut);

export interface NaiveResNetOptions {
  /** 6n+2: 20, 32, 44, 56, 110 */
  depth: number;
  numClasses: number;
  weightDecay: number;
  seed: number;
}

/** ResNet-(6n+2) for 32×32×3 input: 16/32/64 channels, n basic blocks per stage, option-A shortcuts. */
export function buildNaiveResNet(opts: NaiveResNetOptions): tf.LayersModel {
  const n = (opts.depth - 2) / 6;
  if (!Number.isInteger(n) || n < 1) throw new Error(`depth must be 6n+2, got ${opts.depth}`);
  let seed = opts.seed;
  const init = () => tf.initializers.heNormal({ seed: seed++ });
  // weightDecay 0 builds no regularizers at all (fewer kernels: see docs/benchmarks.md).
  const reg = () =>
    opts.weightDecay > 0 ? tf.regularizers.l2({ l2: opts.weightDecay / 2 }) : undefined;
  const conv = (filters: number, strides: number) =>
    tf.layers.conv2d({
      filters,
      kernelSize: 3,
      strides,
      padding: 'same',
      useBias: false,
      kernelInitializer: init(),
      kernelRegularizer: reg(),
    });
  const bn = () => tf.layers.batchNormalization({ momentum: 0.9, epsilon: 1e-5 });
  const relu = () => tf.layers.activation({ activation: 'relu' });

  const input = tf.input({ shape: [32, 32, 3] });
  let x = relu().apply(bn().apply(conv(16, 1).apply(input))) as tf.SymbolicTensor;
  let channels = 16;
  for (const [stage, filters] of [16, 32, 64].entries()) {
    for (let b = 0; b < n; b++) {
      const strides = stage > 0 && b === 0 ? 2 : 1;
      let y = relu().apply(bn().apply(conv(filters, strides).apply(x))) as tf.SymbolicTensor;
      y = bn().apply(conv(filters, 1).apply(y)) as tf.SymbolicTensor;
      const shortcut =
        filters === channels
          ? x
          : (new PadShortcut({ pad: (filters - channels) / 2 }).apply(x) as tf.SymbolicTensor);
      x = relu().apply(tf.layers.add().apply([y, shortcut])) as tf.SymbolicTensor;
      channels = filters;
    }
  }
  const pooled = tf.layers.globalAveragePooling2d({}).apply(x) as tf.SymbolicTensor;
  const logits = tf.layers
    .dense({ units: opts.numClasses, kernelInitializer: init(), kernelRegularizer: reg() })
    .apply(pooled) as tf.SymbolicTensor;
  return tf.model({ inputs: input, outputs: logits });
}

/** One SGD-momentum step, written the way tfjs tutorials do; returns the loss (caller disposes). */
export function createNaiveStep(
  model: tf.LayersModel,
  opts: { lr: number; momentum: number; numClasses: number },
): (x: tf.Tensor4D, labels: tf.Tensor1D) => tf.Scalar {
  const optimizer = tf.train.momentum(opts.lr, opts.momentum);
  return (x, labels) =>
    optimizer.minimize(() => {
      const logits = model.apply(x, { training: true }) as tf.Tensor;
      const oneHot = tf.oneHot(labels, opts.numClasses);
      const data = tf.losses.softmaxCrossEntropy(oneHot, logits);
      // model.apply skips the layers' regularizers (only fit() adds them), so add them here.
      return model.calculateLosses().reduce((sum, l) => sum.add(l), data) as tf.Scalar;
    }, true) as tf.Scalar;
}
