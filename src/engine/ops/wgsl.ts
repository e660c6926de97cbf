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

/** Threads of a reduction workgroup (one workgroup reduces one channel, or one scalar). */
export const REDUCE_THREADS = 256;

/** Workgroup tree reduction of `v` (and optionally `w`); every thread gets the totals. */
export const REDUCE = `
  var<workgroup> scA : array<f32, ${REDUCE_THREADS}>;
  var<workgroup> scB : array<f32, ${REDUCE_THREADS}>;
  fn reduce2(t : i32, v : f32, w : f32) -> vec2<f32> {
    scA[t] = v;
    scB[t] = w;
    workgroupBarrier();
    for (var s = ${REDUCE_THREADS / 2}; s > 0; s = s / 2) {
      if (t < s) {
        scA[t] = scA[t] + scA[t + s];
        scB[t] = scB[t] + scB[t + s];
      }
      workgroupBarrier();
    }
    let r = vec2<f32>(scA[0], scB[0]);
    workgroupBarrier();
    return r;
  }`;

/** A program of `workgroups` workgroups of REDUCE_THREADS threads each (`code` uses REDUCE). */
export function reductionProgram(
  shaderKey: string,
  variableNames: string[],
  outputShape: number[],
  code: string,
  workgroups: number,
): WebGPUProgram {
  return {
    ...perElementProgram(shaderKey, variableNames, outputShape, code),
    dispatch: [workgroups, 1, 1],
    workgroupSize: [REDUCE_THREADS, 1, 1],
  };
}
