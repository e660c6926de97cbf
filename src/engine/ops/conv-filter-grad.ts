/**
 * Tiled weight gradient of a 2-D convolution (NHWC, float32) for the WebGPU backend.
 *
 * tfjs 4.22's webgpu `Conv2DBackpropFilter` runs one thread per filter weight, serially over
 * batch × height × width: 96.6% of a ResNet-56 step's GPU time on an H100 (docs/benchmarks.md).
 * Here the gradient is an implicit GEMM
 *   dW[m, co] = Σ_k A[k, m] · dy[k, co],   m = (kh·KW + kw)·Ci + ci,   k = (n·Ho + oy)·Wo + ox,
 *   A[k, m]   = x[n, oy·sh + kh − padTop, ox·sw + kw − padLeft, ci]   (0 outside the image),
 * tiled through workgroup memory (TM × TN outputs per workgroup, RM × RN per thread, TK rows
 * of k per stage) and split over k = N·Ho·Wo ("split-K"): workgroup z reduces one slice of
 * the batch into partial sums, and a second small kernel adds the slices (no atomics, so the
 * result is deterministic). dy as [K, Co] is already contiguous in NHWC, so only x is gathered.
 *
 * Ways in: `filterGradTiled` (the gradient alone; the engine reaches it through ops/conv.ts's
 * `filterGrad`), and `setConv2DBackpropFilterKernel('tiled')` (conv-filter-grad-global.ts), which
 * replaces tfjs's webgpu kernel for every caller (tfjs-layers included). Either way it is one
 * tfjs kernel (one tf.profile record) running one or two dispatches.
 */
import * as tf from '@tensorflow/tfjs';
import type { WebGPUBackend, WebGPUProgram } from '@tensorflow/tfjs-backend-webgpu';
import { convGeometry, GEOMETRY_KEYS, type ConvGeometry } from './conv-geometry';
import { registerWebGpuKernel } from './kernels';
import { perElementMain, perElementProgram } from './wgsl';

export { convGeometry, type ConvGeometry } from './conv-geometry';

/** Work split of one filter-gradient call. */
export interface FilterGradPlan {
  /** Output rows (kh·kw·ci) and columns (co) per workgroup. */
  tileM: number;
  tileN: number;
  /** k rows staged through workgroup memory per step. */
  tileK: number;
  /** Slices of k = N·Ho·Wo; 1 means no second kernel. */
  splits: number;
  /** k per slice, a multiple of tileK. */
  sliceK: number;
  /** Workgroups of the first kernel. */
  workgroups: number;
}

export interface PlanOptions {
  /** Aim for about this many workgroups (enough to fill a large GPU). Default 512. */
  targetWorkgroups?: number;
  /** Never give a slice fewer k than this (partials cost memory traffic). Default 256. */
  minSliceK?: number;
  /** Force a number of slices (tests, benchmarks). */
  splits?: number;
}

const TILE_M = 64;
const TILE_K = 16;
const PER_THREAD_M = 4;
const PER_THREAD_N = 4;
const FILTER_GRAD = 'ScConvFilterGrad';
/** Narrow column tiles for thin layers (16 and 32 channels are common in CIFAR ResNets). */
function tileNFor(outChannels: number): number {
  return outChannels <= 16 ? 16 : outChannels <= 32 ? 32 : 64;
}

export function planFilterGrad(g: ConvGeometry, opts: PlanOptions = {}): FilterGradPlan {
  const m = g.filterHeight * g.filterWidth * g.inChannels;
  const k = g.batch * g.outHeight * g.outWidth;
  const tileN = tileNFor(g.outChannels);
  const tiles = Math.ceil(m / TILE_M) * Math.ceil(g.outChannels / tileN);
  const steps = Math.ceil(k / TILE_K);
  let splits: number;
  if (opts.splits != null) splits = opts.splits;
  else {
    const byWork = Math.ceil((opts.targetWorkgroups ?? 512) / tiles);
    const bySize = Math.floor(k / (opts.minSliceK ?? 256));
    splits = Math.min(byWork, bySize);
  }
  splits = Math.max(1, Math.min(splits, steps));
  const sliceK = Math.ceil(steps / splits) * TILE_K;
  // Re-derive so that no slice is empty.
  splits = Math.ceil(k / sliceK);
  return { tileM: TILE_M, tileN, tileK: TILE_K, splits, sliceK, workgroups: tiles * splits };
}

/**
 * First kernel: partial sums of one (TM × TN) output tile over one k slice. Every shape is a
 * WGSL constant (and part of the pipeline key), so index arithmetic divides by constants.
 */
class FilterGradPartialProgram implements WebGPUProgram {
  outputShape: number[];
  shaderKey: string;
  variableNames = ['x', 'dy'];
  dispatchLayout = { x: [3], y: [0, 1, 2] };
  dispatch: [number, number, number];
  workgroupSize: [number, number, number];
  private readonly g: ConvGeometry;
  private readonly plan: FilterGradPlan;

  constructor(g: ConvGeometry, plan: FilterGradPlan) {
    this.g = g;
    this.plan = plan;
    const m = g.filterHeight * g.filterWidth * g.inChannels;
    // Partials are stacked along the first axis: [splits·kh, kw, ci, co], rank 4 like the output.
    this.outputShape = [plan.splits * g.filterHeight, g.filterWidth, g.inChannels, g.outChannels];
    this.workgroupSize = [plan.tileN / PER_THREAD_N, plan.tileM / PER_THREAD_M, 1];
    this.dispatch = [Math.ceil(g.outChannels / plan.tileN), Math.ceil(m / plan.tileM), plan.splits];
    const key = GEOMETRY_KEYS.map((name) => g[name]).join('_');
    this.shaderKey = `scConvFilterGrad_${key}_${plan.tileN}_${plan.sliceK}`;
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
      const A_STEP = ${threads / p.tileM};
      const B_STEP = ${threads / p.tileN};
      const STEPS = ${p.sliceK / p.tileK};

      var<workgroup> As : array<f32, ${p.tileK * p.tileM}>;
      var<workgroup> Bs : array<f32, ${p.tileK * p.tileN}>;

      fn store(base : i32, om : i32, oc : i32, v : f32) {
        if (om < M && oc < CO) {
          result[base + om * CO + oc] = v;
        }
      }

      fn main() {
        // tfjs always binds its uniform buffer; a use keeps it in the 'auto' pipeline layout.
        _ = uniforms.NAN;
        let tid = i32(localIndex);
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
                v = x[((n * H + iy) * W + ix) * CI + ci];
              }
            }
            As[r * TM + aCol] = v;
          }
          for (var r = bRow0; r < TK; r += B_STEP) {
            let kk = k0 + r;
            var v = 0.0;
            if (bValid && kk < K) {
              v = dy[kk * CO + bco];
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
  x: tf.TensorInfo,
  dy: tf.TensorInfo,
  g: ConvGeometry,
  plan: FilterGradPlan,
): tf.TensorInfo {
  return backend.runWebGPUProgram(new FilterGradPartialProgram(g, plan), [x, dy], 'float32');
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
  x: tf.TensorInfo,
  dy: tf.TensorInfo,
  g: ConvGeometry,
  plan: FilterGradPlan,
): tf.TensorInfo {
  const partials = runPartials(backend, x, dy, g, plan);
  if (plan.splits === 1) return partials;
  const out = runSum(backend, partials, plan.splits);
  backend.disposeData(partials.dataId);
  return out;
}

/** `ScConvFilterGrad`: attributes are the geometry and the plan, flattened to numbers. */
const filterGradKernel: tf.KernelFunc = ({ inputs, backend, attrs }) => {
  const a = attrs as unknown as ConvGeometry & FilterGradPlan;
  const [x, dy] = [inputs['x'], inputs['dy']] as [tf.TensorInfo, tf.TensorInfo];
  return runFilterGrad(backend as unknown as WebGPUBackend, x, dy, a, a);
};

let engineImpl: 'tiled' | 'tfjs' = 'tiled';

/**
 * Which filter gradient the engine uses on webgpu (ops/conv.ts's `filterGrad` reads it):
 * a switch for benchmarks and comparisons.
 */
export function engineFilterGrad(): 'tiled' | 'tfjs' {
  return engineImpl;
}

export function setEngineFilterGrad(impl: 'tiled' | 'tfjs'): void {
  engineImpl = impl;
}

/** True when `filterGradTiled` can run: the active backend is webgpu. */
export function tiledFilterGradAvailable(): boolean {
  return tf.getBackend() === 'webgpu';
}

/**
 * dW of a convolution y = conv2d(x, W, stride, pad) given dy, on webgpu.
 * One tfjs kernel, `ScConvFilterGrad`: two dispatches when the batch is split, else one.
 */
export function filterGradTiled(
  x: tf.Tensor4D,
  dy: tf.Tensor4D,
  filterShape: readonly [number, number, number, number],
  stride: number | [number, number],
  pad: 'same' | 'valid' | [number, number],
  opts: PlanOptions = {},
): tf.Tensor4D {
  if (!tiledFilterGradAvailable()) throw new Error('filterGradTiled needs the webgpu backend');
  // Registered with tfjs (once) so tf.profile and memory tracking see it.
  registerWebGpuKernel(FILTER_GRAD, filterGradKernel);
  const geometry = convGeometry(x.shape, filterShape, stride, pad);
  checkShapes(geometry, x.shape, dy.shape, filterShape);
  const plan = planFilterGrad(geometry, opts);
  const attrs = { ...geometry, ...plan } as unknown as tf.NamedAttrMap;
  return tf.engine().runKernel(FILTER_GRAD, { x, dy }, attrs) as tf.Tensor4D;
}

function checkShapes(
  g: ConvGeometry,
  xShape: readonly number[],
  dyShape: readonly number[],
  filterShape: readonly number[],
): void {
  const want = [g.batch, g.outHeight, g.outWidth, g.outChannels];
  if (xShape.length !== 4 || dyShape.join() !== want.join() || filterShape[2] !== xShape[3])
    throw new Error(
      `filterGradTiled: x ${xShape.join('×')}, dy ${dyShape.join('×')} and filter ${filterShape.join('×')} do not fit`,
    );
}
