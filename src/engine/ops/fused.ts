/**
 * The SGD-momentum update fused into WebGPU kernels, with a plain tf-ops implementation for the
 * cpu and webgl backends. Each fused kernel replaces 3–5 tfjs kernels; the optimizer runs once per
 * parameter tensor, so dispatch count matters more than math.
 */
import * as tf from '@tensorflow/tfjs';
import {
  chooseImpl,
  pick,
  runProgram,
  type ImplOption,
  type Implementations,
  type Program,
} from './kernels';
import { perElementMain, perElementProgram } from './wgsl';

/**
 * One parameter tensor, its velocity and its gradient. The gradient has w's shape, or holds k
 * partial sums stacked along the first axis ([k·d0, d1, …]: the tiled filter gradient's
 * split-K slices, left unsummed so that the velocity kernel adds them instead of a kernel of
 * their own, conv-filter-grad.ts).
 */
export interface SgdTensors {
  w: tf.Variable;
  v: tf.Variable;
  g: tf.Tensor;
}

/** How many stacked partial sums `g` holds for parameter `w` (1: g is the gradient itself). */
export function partialCount(g: tf.Tensor, w: tf.Tensor): number {
  const k = g.size / w.size;
  if (!Number.isInteger(k) || k < 1 || g.shape.slice(1).join() !== w.shape.slice(1).join())
    throw new Error(`sgdUpdate: gradient ${g.shape.join('×')} does not fit ${w.shape.join('×')}`);
  return k;
}

/** The gradient itself: `g`'s partial sums added up (tf ops; tests and the cpu path). */
export function fullGradient(g: tf.Tensor, w: tf.Tensor): tf.Tensor {
  const k = partialCount(g, w);
  return k === 1 ? g.clone() : tf.sum(tf.reshape(g, [k, ...w.shape]), 0);
}

export interface SgdSettings {
  lr: number;
  mom: number;
  wd: number;
  /**
   * On WebGPU: [lr, mom, wd] already in a GPU tensor (the trainer writes one every step). The
   * kernels read them from there rather than from uniforms, so a recorded step (replay/) can be
   * replayed with new values without re-recording it. Absent: made from the numbers above.
   */
  hyper?: tf.Tensor1D;
}

/** H[0] = lr, H[1] = momentum, H[2] = weight decay. */
function sgdProgram(name: string, names: string[], body: string, shape: number[]): Program {
  return perElementProgram(name, [...names, 'H'], shape, perElementMain('index', body));
}

const SGD: Implementations<(t: SgdTensors, s: SgdSettings) => void> = {
  wgsl: ({ w, v, g }, { lr, mom, wd, hyper }) => {
    const k = partialCount(g, w);
    const h = hyper ?? tf.tensor1d([lr, mom, wd]);
    // v' = m·v + Σ partials + wd·w, then w' = w − lr·v' from the v' just written.
    const velocity = sgdProgram(
      `ScSgdVelocity_${k}`,
      ['W', 'V', 'G'],
      `var g = 0.0;
          for (var s = 0; s < ${k}; s++) { g = g + G[s * uniforms.size + index]; }
          setOutputAtIndex(index, H[1] * V[index] + g + H[2] * W[index]);`,
      w.shape,
    );
    const weight = sgdProgram(
      'ScSgdWeight',
      ['W', 'V'],
      'setOutputAtIndex(index, W[index] - H[0] * V[index]);',
      w.shape,
    );
    const newV = runProgram(velocity, [w, v, g, h]);
    const newW = runProgram(weight, [w, newV, h]);
    w.assign(newW);
    v.assign(newV);
    tf.dispose([newW, newV]);
    if (h !== hyper) h.dispose();
  },
  tfOps: ({ w, v, g }, { lr, mom, wd }) =>
    tf.tidy(() => {
      const grad = partialCount(g, w) === 1 ? g : fullGradient(g, w);
      const newV = tf.add(tf.add(tf.mul(v, mom), grad), tf.mul(w, wd));
      w.assign(tf.sub(w, tf.mul(newV, lr)));
      v.assign(newV);
    }),
};

/** Which implementation `sgdUpdate` uses on the current backend, for reports and tests. */
export function sgdImplementation(): 'wgsl' | 'tf-ops' {
  return chooseImpl();
}

/**
 * SGD with momentum and L2 weight decay added to the gradient (Caffe/PyTorch form):
 *   v ← m·v + g + wd·w ;  w ← w − lr·v.
 * Assigns both variables in place.
 */
export function sgdUpdate(tensors: SgdTensors, settings: SgdSettings, opt?: ImplOption): void {
  pick(SGD, opt)(tensors, settings);
}
