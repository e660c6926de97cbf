/**
 * The programs of the tiled filter gradient (conv-filter-grad.ts has the plan and the ways in).
 * Either operand may have a BN layer's work applied as it loads (`FilterGradLoads`).
 */
import type * as tf from '@tensorflow/tfjs';
import type { WebGPUBackend } from '@tensorflow/tfjs-backend-webgpu';
import {
  BN_BACKWARD_UNIFORMS,
  BN_BACKWARD_VARIABLES,
  bnBackwardWgsl,
  bnBackwardUniforms,
} from './bn-backward-load';
import type { FilterGradPlan } from './conv-filter-grad';
import { GEOMETRY_KEYS, type ConvGeometry } from './conv-geometry';
import { halfHelpers, readAct } from './half-act';
import { ImplicitGemmProgram } from './implicit-gemm';
import { INPUT_BN_UNIFORMS, INPUT_BN_VARIABLES, inputBnUniforms, inputBnWgsl } from './input-bn';
import { perElementMain, perElementProgram } from './wgsl';

/**
 * BN work done as the operands load, each optional: `inputBn`, x is a BN layer's z and
 * relu(BN(z)) is loaded (input-bn.ts); `dyBn`, dy is that of a BN layer's output and its
 * backward is applied (bn-backward-load.ts: `count` values per channel). The kernel's inputs are
 * then named by `variableNames`: x, then dy or (gDZ, gZ, gD), then bnS and bnG for `inputBn`
 * alone (with both, the input BN's constants come from the sums gD as well).
 */
export interface FilterGradLoads {
  /** `half`: z is stored as f16 pairs (half-act.ts), for either load. */
  inputBn?: { offset: number; total: number; half?: boolean };
  dyBn?: { offset: number; total: number; count: number; maskFromParams: boolean; half?: boolean };
}

/** The kernel's input names, in binding order: x, dy or (gDZ, gZ, gD), or bnS, bnG. */
export function filterGradInputNames(loads: FilterGradLoads): string[] {
  const { inputBn, dyBn } = loads;
  if (dyBn) return ['x', ...BN_BACKWARD_VARIABLES];
  return ['x', 'dy', ...(inputBn ? INPUT_BN_VARIABLES : [])];
}

/**
 * First kernel: partial sums of dW over one slice of the batch's pixels, as an implicit GEMM
 * (implicit-gemm.ts) whose output rows are the filter taps m = (kh·KW + kw)·Ci + ci, columns the
 * output channels, and reduction the pixels k = (n·Ho + oy)·Wo + ox:
 *   A[m, k] = x[n, oy·sh + kh − padTop, ox·sw + kw − padLeft, ci]   (0 outside the image),
 *   B[k, co] = dy[n, oy, ox, co]   (already contiguous as [K, Co] in NHWC).
 */
function partialsProgram(g: ConvGeometry, plan: FilterGradPlan, loads: FilterGradLoads) {
  const { inputBn, dyBn } = loads;
  const taps = g.filterHeight * g.filterWidth * g.inChannels;
  const pixels = g.batch * g.outHeight * g.outWidth;
  const co = g.outChannels;
  const prologues = [
    ...(inputBn ? [inputBnWgsl(g.inChannels, dyBn !== undefined)] : []),
    ...(dyBn ? [bnBackwardWgsl(co, dyBn.count, dyBn.maskFromParams, dyBn.half)] : []),
  ];
  const xHalf = inputBn?.half === true;
  const src = `((n * ${g.inHeight} + iy) * ${g.inWidth} + ix) * ${g.inChannels} + ci`;
  const x = readAct('x', xHalf, src, 'ci');
  const key = GEOMETRY_KEYS.map((name) => g[name]).join('_');
  // f16 storage adds to the key; f32 keys stay as they were.
  const halves = xHalf || dyBn?.half ? `_h${xHalf ? 1 : 0}${dyBn?.half ? 1 : 0}` : '';
  const fused = `${inputBn ? 1 : 0}_${dyBn ? `${dyBn.count}_${dyBn.maskFromParams}` : 0}${halves}`;
  const uniforms = (inputBn ? INPUT_BN_UNIFORMS : '') + (dyBn ? BN_BACKWARD_UNIFORMS : '');
  return new ImplicitGemmProgram({
    shaderKey: `scConvFilterGrad_${key}_${plan.sliceK}_${fused}`,
    variableNames: filterGradInputNames(loads),
    ...(uniforms ? { uniforms } : {}),
    // Partials are stacked along the first axis: [splits·kh, kw, ci, co], rank 4 like dW.
    outputShape: [plan.splits * g.filterHeight, g.filterWidth, g.inChannels, co],
    K: taps,
    N: co,
    M: pixels,
    split: { splits: plan.splits, sliceM: plan.sliceK },
    helpers: prologues.map((w) => w.helpers).join('\n') + halfHelpers(xHalf, 'x', g.inChannels),
    ...(prologues.length ? { setup: prologues.map((w) => w.setup).join('\n') } : {}),
    rowSetup: `
        let ci = ak % ${g.inChannels};
        let kw = (ak / ${g.inChannels}) % ${g.filterWidth};
        let kh = ak / ${g.inChannels * g.filterWidth};`,
    loadA: `
              let ox = m % ${g.outWidth};
              let rest = m / ${g.outWidth};
              let oy = rest % ${g.outHeight};
              let n = rest / ${g.outHeight};
              let iy = oy * ${g.strideHeight} + kh - ${g.padTop};
              let ix = ox * ${g.strideWidth} + kw - ${g.padLeft};
              if (iy >= 0 && iy < ${g.inHeight} && ix >= 0 && ix < ${g.inWidth}) {
                v = ${inputBn ? `inputBn(${x}, ci)` : x};
              }`,
    loadB: dyBn ? `v = bnBackward(m * ${co} + bn, bn);` : `v = dy[m * ${co} + bn];`,
    flops: 2 * taps * co * pixels,
  });
}

function runPartials(
  backend: WebGPUBackend,
  inputs: tf.TensorInfo[],
  g: ConvGeometry,
  plan: FilterGradPlan,
  loads: FilterGradLoads,
): tf.TensorInfo {
  const uniforms = [
    ...(loads.inputBn ? inputBnUniforms(loads.inputBn) : []),
    ...(loads.dyBn ? bnBackwardUniforms(loads.dyBn) : []),
  ];
  return backend.runWebGPUProgram(partialsProgram(g, plan, loads), inputs, 'float32', uniforms);
}

function runSum(backend: WebGPUBackend, partials: tf.TensorInfo, splits: number): tf.TensorInfo {
  const [sk, kw, ci, co] = partials.shape as [number, number, number, number];
  // Second kernel: out[i] = Σ_s partials[s·size + i], one thread per filter weight.
  const body = `var s = 0.0;
          for (var i = 0; i < uniforms.splits; i++) {
            s = s + P[i * uniforms.size + index];
          }
          setOutputAtIndex(index, s);`;
  const outShape = [sk / splits, kw, ci, co];
  const main = perElementMain('index', body);
  const program = perElementProgram('scSumSplits', ['P'], outShape, main, 'splits : i32,');
  return backend.runWebGPUProgram(program, [partials], 'float32', [
    { type: 'int32', data: [splits] },
  ]);
}

/**
 * Both programs of one filter gradient: the partial sums, then (when split) their sum. The
 * partials buffer is freed here, so callers see one tfjs kernel with one output.
 */
export function runFilterGrad(
  backend: WebGPUBackend,
  inputs: tf.TensorInfo[],
  g: ConvGeometry,
  plan: FilterGradPlan,
  loads: FilterGradLoads = {},
  keepSplits = false,
): tf.TensorInfo {
  const partials = runPartials(backend, inputs, g, plan, loads);
  if (plan.splits === 1 || keepSplits) return partials;
  const out = runSum(backend, partials, plan.splits);
  backend.disposeData(partials.dataId);
  return out;
}
