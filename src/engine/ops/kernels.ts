/**
 * The one place where the engine's WGSL programs become tfjs kernels, and where an op picks its
 * implementation. Every hand-written op has two: a WGSL program (one dispatch on WebGPU) and a
 * composition of tf ops (the cpu and webgl backends, and the reference the WGSL is tested against).
 *
 * Programs run as registered kernels (named by their shader key's prefix, e.g. ScBnStats), not
 * behind tfjs's back, so that tfjs tracks their outputs and `tf.profile` counts them by name.
 */
import * as tf from '@tensorflow/tfjs';
import type { WebGPUBackend, WebGPUProgram } from '@tensorflow/tfjs-backend-webgpu';

export type Impl = 'wgsl' | 'tf-ops';

export interface ImplOption {
  /** Absent: WGSL on the webgpu backend, tf ops elsewhere. Tests ask for tf ops on webgpu. */
  impl?: Impl;
}

/** Both implementations of a group of ops: one interface `K`, two objects. */
export interface Implementations<K> {
  wgsl: K;
  tfOps: K;
}

export function chooseImpl(opt: ImplOption = {}): Impl {
  return opt.impl ?? (tf.getBackend() === 'webgpu' ? 'wgsl' : 'tf-ops');
}

/** The implementation `opt` asks for (or the backend's), as an object of ops. */
export function pick<K>(impls: Implementations<K>, opt?: ImplOption): K {
  return chooseImpl(opt) === 'wgsl' ? impls.wgsl : impls.tfOps;
}

/** A WGSL program with its scalar uniforms' values (declared in `uniforms`, in that order). */
export type Program = WebGPUProgram & {
  outputShape: number[];
  uniformData?: number[];
  uniformType?: 'int32' | 'float32';
};

const registered = new Set<string>();

/**
 * Registers a webgpu kernel once. Ops whose kernel runs more than one program (the tiled filter
 * gradient: partial sums, then their sum) register their own `kernelFunc` here; single-program
 * ops go through `runProgram`, which registers for them.
 */
export function registerWebGpuKernel(name: string, kernelFunc: tf.KernelFunc): void {
  if (registered.has(name)) return;
  registered.add(name);
  // Another copy of this module (tests, hot reload) may have registered it already.
  if (!tf.getKernel(name, 'webgpu'))
    tf.registerKernel({ kernelName: name, backendName: 'webgpu', kernelFunc });
}

/** Runs `p` on `inputs` (in `p.variableNames` order) as the kernel named by its key's prefix. */
export function runProgram(p: Program, inputs: tf.Tensor[]): tf.Tensor {
  const name = p.shaderKey.split('_')[0]!;
  registerWebGpuKernel(name, programKernel);
  const named: tf.NamedTensorMap = {};
  p.variableNames.forEach((n, i) => (named[n] = inputs[i]!));
  const attrs = { program: p } as unknown as tf.NamedAttrMap;
  return tf.engine().runKernel(name, named, attrs) as tf.Tensor;
}

/** Every single-program kernel: the program travels in the attributes. */
const programKernel: tf.KernelFunc = ({ inputs, backend, attrs }) => {
  const p = (attrs as unknown as { program: Program }).program;
  const list = p.variableNames.map((n) => inputs[n] as tf.TensorInfo);
  const type = p.uniformType ?? 'int32';
  const uniforms = p.uniformData?.map((v) => ({ type, data: [v] }));
  return (backend as unknown as WebGPUBackend).runWebGPUProgram(p, list, 'float32', uniforms);
};
