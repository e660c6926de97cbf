/**
 * One SGD step: augment on the GPU, forward in training mode, closed-form batch-norm gradients,
 * then SGD with momentum and L2 weight decay (our own update: tfjs's MomentumOptimizer ignores
 * setMomentum, and 1cycle changes momentum every step).
 *
 * On WebGPU the ResNet step is recorded once and replayed (replay/): the same dispatches, without
 * tfjs's per-kernel host work. Elsewhere, and for models trained by autodiff, it runs through tfjs.
 */
import * as tf from '@tensorflow/tfjs';
import type { DatasetName } from '../core/config';
import { InputPipeline } from './augment';
import { crossEntropy } from './loss';
import type { Model } from './models';
import { sgdImplementation, sgdUpdate } from './ops/fused';
import type { DispatchTime } from './replay/plan-timing';
import { StepReplayer, type ReplayStatus } from './replay/replayer';

export type { ReplayStatus };

export interface TrainStep {
  /** xRaw: [B,32,32,3] float32 pixel values 0..255 (NHWC); labels: int32. Caller disposes the loss. */
  step(xRaw: tf.Tensor4D, labels: tf.Tensor1D, lr: number, momentum: number): tf.Scalar;
  /** How steps run on WebGPU (null: through tfjs, on this backend or for this model). */
  replayStatus(): ReplayStatus | null;
  /** The replayed plan's dispatches and bytes per kernel kind (for the bench); null: no plan. */
  trafficByKind(): Map<string, { dispatches: number; bytes: number }> | null;
  /**
   * Times the next replayed step's dispatches on the GPU (the GPU check's profile): resolves
   * once that step has run. Null with no recorded plan or no 'timestamp-query' feature.
   */
  timeNextStep(): Promise<DispatchTime[]> | null;
  dispose(): void;
}

export interface TrainStepOptions {
  weightDecay: number;
  numClasses: number;
  dataset: DatasetName;
  /** Random crop + flip (default true). */
  augment?: boolean;
  seed?: number;
  /** Record and replay the step on WebGPU (default true; per-kernel profiles turn it off). */
  replay?: boolean;
}

export function createTrainStep(model: Model, opts: TrainStepOptions): TrainStep {
  const velocities = model.params.map((p) => {
    const zeros = tf.zeros(p.shape);
    const v = tf.variable(zeros, false);
    zeros.dispose();
    return v;
  });
  let pipeline: InputPipeline | null = null;
  const augment = opts.augment ?? true;
  const wd = opts.weightDecay;
  // lr and momentum for the tfjs-ops SGD (cpu, webgl); WebGPU's reads them from `hyper`.
  const now = { lr: 0, mom: 0 };

  const body = (
    x: tf.Tensor4D,
    labels: tf.Tensor1D,
    boxes: tf.Tensor2D | null,
    hyper?: tf.Tensor1D,
  ): tf.Scalar => {
    const input = pipeline!;
    const apply = (i: number, g: tf.Tensor) => {
      sgdUpdate({ w: model.params[i]!, v: velocities[i]!, g }, { ...now, wd, hyper });
      g.dispose();
    };
    // Updates go in twos: a replayed step runs two back to back as one dispatch (fuse-sgd.ts).
    let held: [number, tf.Tensor] | null = null;
    const update = (i: number, g: tf.Tensor) => {
      if (!held) {
        held = [i, g];
        return;
      }
      apply(...held);
      apply(i, g);
      held = null;
    };
    const flush = () => {
      if (held) apply(...held);
      held = null;
    };
    const { value, grads } = tf.tidy(() => {
      const xin = boxes ? input.augmentBoxes(x, boxes) : input.normalize(x);
      if (model.lossAndGrads) {
        // Hand-written backward (ResNets): no autodiff tape, few kernels, and each parameter
        // updated as soon as the step is done with it, so its gradient is freed at once.
        const loss = model.lossAndGrads(xin, labels, update).loss;
        flush(); // inside the tidy, which would free a held gradient
        return { value: loss, grads: [] };
      }
      const oneHot = tf.oneHot(labels, opts.numClasses) as tf.Tensor2D;
      const r = tf.variableGrads(() => crossEntropy(model.apply(xin, true), oneHot), model.params);
      return { value: r.value, grads: model.params.map((p) => r.grads[p.name]!) };
    });
    grads.forEach((g, i) => update(i, g));
    flush();
    return value;
  };
  // Models trained by autodiff make constants inside their step: they stay on tfjs's path.
  const replayer = (opts.replay ?? true) && model.lossAndGrads ? StepReplayer.create(body) : null;

  return {
    step(xRaw, labels, lr, momentum) {
      const batch = xRaw.shape[0];
      if (!pipeline) pipeline = new InputPipeline(batch, opts.dataset, opts.seed ?? 0);
      now.lr = lr;
      now.mom = momentum;
      const boxes = augment ? pipeline.nextBoxes(xRaw.shape[1], xRaw.shape[2]) : null;
      if (replayer) {
        const hyper = Float32Array.of(lr, momentum, wd);
        return replayer.step({ xRaw, labels, boxes, hyper });
      }
      const boxTensor = boxes ? tf.tensor2d(boxes, [batch, 4]) : null;
      // One [lr, momentum, wd] tensor for every parameter's WebGPU update (not one each).
      const hyper = sgdImplementation() === 'wgsl' ? tf.tensor1d([lr, momentum, wd]) : undefined;
      const loss = body(xRaw, labels, boxTensor, hyper);
      tf.dispose([boxTensor, hyper].filter((t) => t != null));
      return loss;
    },
    replayStatus: () => replayer?.report() ?? null,
    trafficByKind: () => replayer?.trafficByKind() ?? null,
    timeNextStep: () => replayer?.timeNextReplay() ?? null,
    dispose() {
      replayer?.dispose();
      tf.dispose(velocities);
      pipeline?.dispose();
    },
  };
}
