/**
 * The SGD-momentum update fused into WebGPU kernels, with a plain tf-ops fallback for the cpu
 * and webgl backends. Each fused kernel replaces 3–5 tfjs kernels; the optimizer runs once per
 * parameter tensor, so dispatch count matters more than math.
 *
 * The kernels are registered as tfjs kernels (not run behind tfjs's back) so that the engine
 * tracks their outputs and `tf.profile` counts them.
 */
import * as tf from '@tensorflow/tfjs';
import type { WebGPUBackend } from '@tensorflow/tfjs-backend-webgpu';
import { perElementMain, perElementProgram } from './wgsl';

const SGD_V = 'ScSgdVelocity';
const SGD_W = 'ScSgdWeight';

type Attrs = Record<string, number>;

function register(
  name: string,
  names: string[],
  uniformNames: string[],
  body: string | ((inputShapes: number[][]) => string),
  outputShape: (inputShapes: number[][]) => number[] = (shapes) => shapes[0]!,
): void {
  if (tf.getKernel(name, 'webgpu')) return;
  tf.registerKernel({
    kernelName: name,
    backendName: 'webgpu',
    kernelFunc: ({ inputs, backend, attrs }) => {
      const webgpu = backend as unknown as WebGPUBackend;
      const ins = names.map((n) => inputs[n] as tf.TensorInfo);
      const shapes = ins.map((t) => t.shape);
      const code = typeof body === 'string' ? body : body(shapes);
      // Inputs all share the output's shape (no broadcasting).
      const program = perElementProgram(
        // Baked-in constants (channel counts) must be part of the pipeline cache key.
        typeof body === 'string' ? name : `${name}_${shapes.map((d) => d.join('x')).join('_')}`,
        names,
        outputShape(shapes),
        perElementMain('index', code),
        uniformNames.map((u) => `${u} : f32,`).join(' '),
      );
      const a = attrs as unknown as Attrs;
      const uniforms = uniformNames.map((u) => ({ type: 'float32', data: [a[u]!] }));
      return webgpu.runWebGPUProgram(program, ins, 'float32', uniforms);
    },
  });
}

let registered = false;
/** Registers the WGSL kernels; safe to call repeatedly and on builds without WebGPU. */
export function registerFusedKernels(): void {
  if (registered) return;
  registered = true;
  register(
    SGD_V,
    ['W', 'V', 'G'],
    ['mom', 'wd'],
    'setOutputAtIndex(index, uniforms.mom * V[index] + G[index] + uniforms.wd * W[index]);',
  );
  register(
    SGD_W,
    ['W', 'V', 'G'],
    ['lr', 'mom', 'wd'],
    `let v = uniforms.mom * V[index] + G[index] + uniforms.wd * W[index];
          setOutputAtIndex(index, W[index] - uniforms.lr * v);`,
  );
}

function fusedAvailable(name: string): boolean {
  return tf.getBackend() === 'webgpu' && tf.getKernel(name, 'webgpu') !== undefined;
}

/** Which implementation `sgdUpdate` uses on the current backend, for reports and tests. */
export function sgdImplementation(): 'wgsl' | 'tf-ops' {
  registerFusedKernels();
  return fusedAvailable(SGD_V) ? 'wgsl' : 'tf-ops';
}

/**
 * SGD with momentum and L2 weight decay added to the gradient (Caffe/PyTorch form):
 *   v ← m·v + g + wd·w ;  w ← w − lr·v.
 * Assigns both variables in place. `forceOps` selects the tf-ops reference on any backend.
 */
export function sgdUpdate(
  w: tf.Variable,
  v: tf.Variable,
  g: tf.Tensor,
  lr: number,
  mom: number,
  wd: number,
  forceOps = false,
): void {
  registerFusedKernels();
  if (!forceOps && fusedAvailable(SGD_V)) {
    const inputs = { W: w, V: v, G: g };
    const newW = tf.engine().runKernel(SGD_W, inputs, { lr, mom, wd }) as tf.Tensor;
    const newV = tf.engine().runKernel(SGD_V, inputs, { mom, wd }) as tf.Tensor;
    w.assign(newW);
    v.assign(newV);
    newW.dispose();
    newV.dispose();
    return;
  }
  tf.tidy(() => {
    const newV = tf.add(tf.add(tf.mul(v, mom), g), tf.mul(w, wd));
    w.assign(tf.sub(w, tf.mul(newV, lr)));
    v.assign(newV);
  });
}
