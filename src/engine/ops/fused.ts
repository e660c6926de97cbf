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

/** One parameter tensor, its velocity and its gradient (all of one shape). */
export interface SgdTensors {
  w: tf.Variable;
  v: tf.Variable;
  g: tf.Tensor;
}

export interface SgdSettings {
  lr: number;
  mom: number;
  wd: number;
}

/** The velocity's update, shared by both WGSL kernels (the weight's kernel recomputes it). */
const VELOCITY = 'let v = uniforms.mom * V[index] + G[index] + uniforms.wd * W[index];';

function sgdProgram(name: string, uniforms: string[], body: string, shape: number[]): Program {
  // LR, momentum and weight decay are uniforms: one pipeline serves every step of a shape.
  const code = perElementMain('index', `${VELOCITY} ${body}`);
  const decl = uniforms.map((u) => `${u} : f32,`).join(' ');
  const program: Program = perElementProgram(name, ['W', 'V', 'G'], shape, code, decl);
  program.uniformType = 'float32';
  return program;
}

const SGD: Implementations<(t: SgdTensors, s: SgdSettings) => void> = {
  wgsl: ({ w, v, g }, { lr, mom, wd }) => {
    const inputs = [w, v, g];
    const weight = sgdProgram(
      'ScSgdWeight',
      ['lr', 'mom', 'wd'],
      'setOutputAtIndex(index, W[index] - uniforms.lr * v);',
      w.shape,
    );
    const velocity = sgdProgram(
      'ScSgdVelocity',
      ['mom', 'wd'],
      'setOutputAtIndex(index, v);',
      w.shape,
    );
    const newW = runProgram({ ...weight, uniformData: [lr, mom, wd] }, inputs);
    const newV = runProgram({ ...velocity, uniformData: [mom, wd] }, inputs);
    w.assign(newW);
    v.assign(newV);
    tf.dispose([newW, newV]);
  },
  tfOps: ({ w, v, g }, { lr, mom, wd }) =>
    tf.tidy(() => {
      const newV = tf.add(tf.add(tf.mul(v, mom), g), tf.mul(w, wd));
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
