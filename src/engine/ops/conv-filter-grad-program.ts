/**
 * The programs of the tiled filter gradient (conv-filter-grad.ts has the plan and the ways in).
 * Either operand may have a BN layer's work applied as it loads (`FilterGradLoads`).
 */
import type * as tf from '@tensorflow/tfjs';
import type { WebGPUBackend, WebGPUProgram } from '@tensorflow/tfjs-backend-webgpu';
import {
  BN_BACKWARD_UNIFORMS,
  BN_BACKWARD_VARIABLES,
  BN_SHARED_VARIABLES,
  bnBackwardWgsl,
  bnBackwardUniforms,
} from './bn-backward-load';
import type { FilterGradPlan } from './conv-filter-grad';
import { GEOMETRY_KEYS, type ConvGeometry } from './conv-geometry';
import { INPUT_BN_UNIFORMS, inputBnUniforms, inputBnWgsl } from './input-bn';
import { perElementMain, perElementProgram } from './wgsl';

const PER_THREAD_M = 4;
const PER_THREAD_N = 4;

/**
 * BN work done as the operands load, each optional: `inputBn`, x is a BN layer's z and
 * relu(BN(z)) is loaded (input-bn.ts); `dyBn`, dy is that of a BN layer's output and its
 * backward is applied (bn-backward-load.ts: `count` values per channel). The kernel's inputs are
 * then named by `variableNames`: x, dy or (gDZ, gZ, gD), and bnS, bnG when either is on.
 */
export interface FilterGradLoads {
  inputBn?: { offset: number; total: number };
  dyBn?: { offset: number; total: number; count: number; maskFromParams: boolean };
}

/**
 * First kernel: partial sums of one (TM × TN) output tile over one k slice. Every shape is a
 * WGSL constant (and part of the pipeline key), so index arithmetic divides by constants.
 */
class FilterGradPartialProgram implements WebGPUProgram {
  outputShape: number[];
  shaderKey: string;
  variableNames: string[];
  uniforms?: string;
  dispatchLayout = { x: [3], y: [0, 1, 2] };
  dispatch: [number, number, number];
  workgroupSize: [number, number, number];
  private readonly g: ConvGeometry;
  private readonly plan: FilterGradPlan;
  private readonly loads: FilterGradLoads;

  constructor(g: ConvGeometry, plan: FilterGradPlan, loads: FilterGradLoads = {}) {
    this.g = g;
    this.plan = plan;
    this.loads = loads;
    const { inputBn, dyBn } = loads;
    this.variableNames = [
      'x',
      ...(dyBn ? BN_BACKWARD_VARIABLES : ['dy']),
      ...(inputBn || dyBn ? BN_SHARED_VARIABLES : []),
    ];
    const uniforms = (inputBn ? INPUT_BN_UNIFORMS : '') + (dyBn ? BN_BACKWARD_UNIFORMS : '');
    if (uniforms) this.uniforms = uniforms;
    const m = g.filterHeight * g.filterWidth * g.inChannels;
    // Partials are stacked along the first axis: [splits·kh, kw, ci, co], rank 4 like the output.
    this.outputShape = [plan.splits * g.filterHeight, g.filterWidth, g.inChannels, g.outChannels];
    this.workgroupSize = [plan.tileN / PER_THREAD_N, plan.tileM / PER_THREAD_M, 1];
    this.dispatch = [Math.ceil(g.outChannels / plan.tileN), Math.ceil(m / plan.tileM), plan.splits];
    const key = GEOMETRY_KEYS.map((name) => g[name]).join('_');
    const fused = `${inputBn ? 1 : 0}_${dyBn ? `${dyBn.count}_${dyBn.maskFromParams}` : 0}`;
    this.shaderKey = `scConvFilterGrad_${key}_${plan.tileN}_${plan.sliceK}_${fused}`;
  }

  getUserCode(): string {
    const g = this.g;
    const p = this.plan;
    const wx = p.tileN / PER_THREAD_N;
    const wy = p.tileM / PER_THREAD_M;
    const threads = wx * wy;
    const m = g.filterHeight * g.filterWidth * g.inChannels;
    const k = g.batch * g.outHeight * g.outWidth;
    // The RM × RN register tile is unrolled into scalars: SwiftShader's JIT (and some GPU
    // compilers) would keep a dynamically indexed private array in memory.
    const rows = [...Array(PER_THREAD_M).keys()];
    const cols = [...Array(PER_THREAD_N).keys()];
    const each = (f: (i: number, j: number) => string) =>
      rows.flatMap((i) => cols.map((j) => f(i, j))).join('\n');
    const accumulators = each((i, j) => `var c${i}_${j} = 0.0;`);
    const product = [
      ...rows.map((i) => `let a${i} = As[ar + ${i * wy}];`),
      ...cols.map((j) => `let b${j} = Bs[br + ${j * wx}];`),
      each((i, j) => `c${i}_${j} = fma(a${i}, b${j}, c${i}_${j});`),
    ].join('\n');
    const stores = each(
      (i, j) => `store(base, m0 + ty + ${i * wy}, n0 + tx + ${j * wx}, c${i}_${j});`,
    );
    const { inputBn, dyBn } = this.loads;
    const prologues = [
      ...(inputBn ? [inputBnWgsl(g.inChannels)] : []),
      ...(dyBn ? [bnBackwardWgsl(g.outChannels, dyBn.count, dyBn.maskFromParams)] : []),
    ];
    return `
      const M = ${m};
      const CO = ${g.outChannels};
      const K = ${k};
      const CI = ${g.inChannels};
      const KW = ${g.filterWidth};
      const H = ${g.inHeight};
      const W = ${g.inWidth};
      const HO = ${g.outHeight};
      const WO = ${g.outWidth};
      const SH = ${g.strideHeight};
      const SW = ${g.strideWidth};
      const PT = ${g.padTop};
      const PL = ${g.padLeft};
      const TM = ${p.tileM};
      const TN = ${p.tileN};
      const TK = ${p.tileK};
      const WX = ${wx};
      const WY = ${wy};
      const THREADS = ${threads};
      const A_STEP = ${threads / p.tileM};
      const B_STEP = ${threads / p.tileN};
      const STEPS = ${p.sliceK / p.tileK};

      var<workgroup> As : array<f32, ${p.tileK * p.tileM}>;
      var<workgroup> Bs : array<f32, ${p.tileK * p.tileN}>;
      ${prologues.map((w) => w.helpers).join('\n')}

      fn store(base : i32, om : i32, oc : i32, v : f32) {
        if (om < M && oc < CO) {
          result[base + om * CO + oc] = v;
        }
      }

      fn main() {
        // tfjs always binds its uniform buffer; a use keeps it in the 'auto' pipeline layout.
        _ = uniforms.NAN;
        let tid = i32(localIndex);
        ${prologues.length ? `${prologues.map((w) => w.setup).join('\n')}\n        workgroupBarrier();` : ''}
        let tx = tid % WX;
        let ty = tid / WX;
        let m0 = i32(workgroupId.y) * TM;
        let n0 = i32(workgroupId.x) * TN;
        let sp = i32(workgroupId.z);
        let kBegin = sp * ${p.sliceK};

        // This thread always stages the same column of A and of B: decode it once.
        let aCol = tid % TM;
        let aRow0 = tid / TM;
        let am = m0 + aCol;
        let aValid = am < M;
        let ci = am % CI;
        let kw = (am / CI) % KW;
        let kh = am / (CI * KW);
        let bCol = tid % TN;
        let bRow0 = tid / TN;
        let bco = n0 + bCol;
        let bValid = bco < CO;

        ${accumulators}

        for (var t = 0; t < STEPS; t++) {
          let k0 = kBegin + t * TK;
          for (var r = aRow0; r < TK; r += A_STEP) {
            let kk = k0 + r;
            var v = 0.0;
            if (aValid && kk < K) {
              let ox = kk % WO;
              let rest = kk / WO;
              let oy = rest % HO;
              let n = rest / HO;
              let iy = oy * SH + kh - PT;
              let ix = ox * SW + kw - PL;
              if (iy >= 0 && iy < H && ix >= 0 && ix < W) {
                ${this.loads.inputBn ? 'v = inputBn(x[((n * H + iy) * W + ix) * CI + ci], ci);' : 'v = x[((n * H + iy) * W + ix) * CI + ci];'}
              }
            }
            As[r * TM + aCol] = v;
          }
          for (var r = bRow0; r < TK; r += B_STEP) {
            let kk = k0 + r;
            var v = 0.0;
            if (bValid && kk < K) {
              ${this.loads.dyBn ? 'v = bnBackward(kk * CO + bco, bco);' : 'v = dy[kk * CO + bco];'}
            }
            Bs[r * TN + bCol] = v;
          }
          workgroupBarrier();
          for (var kk = 0; kk < TK; kk++) {
            let ar = kk * TM + ty;
            let br = kk * TN + tx;
            ${product}
          }
          workgroupBarrier();
        }

        let base = sp * M * CO;
        ${stores}
      }`;
  }
}

function runPartials(
  backend: WebGPUBackend,
  inputs: tf.TensorInfo[],
  g: ConvGeometry,
  plan: FilterGradPlan,
  loads: FilterGradLoads,
): tf.TensorInfo {
  const program = new FilterGradPartialProgram(g, plan, loads);
  const uniforms = [
    ...(loads.inputBn ? inputBnUniforms(loads.inputBn) : []),
    ...(loads.dyBn ? bnBackwardUniforms(loads.dyBn) : []),
  ];
  return backend.runWebGPUProgram(program, inputs, 'float32', uniforms);
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
