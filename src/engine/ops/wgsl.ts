/**
 * The shape shared by the engine's simplest WGSL programs: one thread per output element, 64
 * threads a workgroup, flat over the output (tfjs's `size` uniform bounds the last workgroup).
 */
import type { WebGPUProgram } from '@tensorflow/tfjs-backend-webgpu';

const THREADS = 64;

/** `fn main` running `body` once for each output index `index` < size. */
export function perElementMain(index: string, body: string): string {
  return `
      fn main(${index} : i32) {
        if (${index} < uniforms.size) {
          ${body}
        }
      }`;
}

/** A program of one thread per element of `outputShape`; `uniforms` are extra WGSL fields. */
export function perElementProgram(
  shaderKey: string,
  variableNames: string[],
  outputShape: number[],
  code: string,
  uniforms?: string,
): WebGPUProgram {
  const size = outputShape.reduce((a, b) => a * b, 1);
  return {
    outputShape,
    shaderKey,
    variableNames,
    dispatchLayout: { x: outputShape.map((_, i) => i) },
    dispatch: [Math.ceil(size / THREADS), 1, 1],
    workgroupSize: [THREADS, 1, 1],
    size: true,
    getUserCode: () => code,
    ...(uniforms ? { uniforms } : {}),
  };
}
