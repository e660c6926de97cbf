/**
 * Tiled weight gradient of a 2-D convolution (NHWC, float32) for the WebGPU backend.
 *
 * tfjs 4.22's webgpu `Conv2DBackpropFilter` runs one thread per filter weight, serially over
 * batch × height × width: 96.6% of a ResNet-56 step's GPU time on an H100 (docs/benchmarks.md).
 * Here the gradient is an implicit GEMM
 *   dW[m, co] = Σ_k A[k, m] · dy[k, co],   m = (kh·KW + kw)·Ci + ci,   k = (n·Ho + oy)·Wo + ox,
 *   A[k, m]   = x[n, oy·sh + kh − padTop, ox·sw + kw − padLeft, ci]   (0 outside the image),
 * run by the engine's implicit-GEMM generator (implicit-gemm.ts, conv-filter-grad-program.ts)
 * and split over k = N·Ho·Wo ("split-K"): workgroup z reduces one slice of the batch into
 * partial sums, which a second small kernel adds (no atomics, so the result is deterministic),
 * or, with `keepSplits`, the SGD update adds (the ResNet step: ops/fused.ts). This file has the
 * plan (tile sizes and how many slices) and the ways in.
 *
 * Ways in: `filterGradTiled` (the gradient alone; the engine reaches it through ops/conv.ts's
 * `filterGrad`), and `setConv2DBackpropFilterKernel('tiled')` (conv-filter-grad-global.ts), which
 * replaces tfjs's webgpu kernel for every caller (tfjs-layers included). Either way it is one
 * tfjs kernel (one tf.profile record) running one or two dispatches.
 */
import * as tf from '@tensorflow/tfjs';
import type { WebGPUBackend } from '@tensorflow/tfjs-backend-webgpu';
import {
  bnBackwardInputs,
  halfZ,
  isBnBackward,
  perChannel,
  type BnBackward,
} from './bn-backward-load';
import {
  filterGradInputNames,
  runFilterGrad,
  type FilterGradLoads,
} from './conv-filter-grad-program';
import { isHalf, logicalShape } from './half-act';
import { convGeometry, type ConvGeometry } from './conv-geometry';
import { GEMM_TILE_K, GEMM_TILE_M, gemmTileN } from './implicit-gemm';
import type { InputBn } from './input-bn';
import { registerWebGpuKernel } from './kernels';

export { convGeometry, type ConvGeometry } from './conv-geometry';
export { runFilterGrad } from './conv-filter-grad-program';

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
  /**
   * Aim for about this many workgroups (enough to fill a large GPU). Default 512; a filter
   * gradient computed beside its input gradient aims at `BESIDE_INPUT_GRAD_WORKGROUPS`.
   */
  targetWorkgroups?: number;
  /** Never give a slice fewer k than this (partials cost memory traffic). Default 256. */
  minSliceK?: number;
  /** Force a number of slices (tests, benchmarks). */
  splits?: number;
}

/**
 * What `filterGradTiled` takes besides the plan: BN + ReLU to apply to x as it is loaded, and
 * whether to return the split-K partial sums ([splits·kh, kw, ci, co]) without the sum kernel.
 */
export interface FilterGradOptions extends PlanOptions {
  inputBn?: InputBn;
  keepSplits?: boolean;
}

/**
 * The workgroups a filter gradient aims at when its input gradient runs beside it (the ResNet
 * step; replay/fuse-grads.ts joins the two into one dispatch). The two sides do the same
 * multiply-adds, so with the filter side in at least P/2 slices-by-tiles no workgroup holds more
 * than 1/P of the pair's work, and a GPU of P ≈ 128 multiprocessors has no long tail (the filter
 * side's workgroups come first in the dispatch). Fewer slices write and read fewer partial sums:
 * at ResNet-56's batch 128, 0.07 GB a step instead of 0.37 (docs/benchmarks.md).
 */
export const BESIDE_INPUT_GRAD_WORKGROUPS = 64;

// The plan's tiles are the implicit-GEMM generator's, which runs the kernel.
const TILE_M = GEMM_TILE_M;
const TILE_K = GEMM_TILE_K;
const FILTER_GRAD = 'ScConvFilterGrad';
const tileNFor = gemmTileN;

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

/** Kernel attributes: the geometry, the plan and the loads' BN layers, flattened to numbers. */
interface Attrs extends ConvGeometry, FilterGradPlan {
  /** x's BN layer (input-bn.ts): offset −1 for none. */
  inOffset: number;
  inTotal: number;
  /** 1 where x (in) or dy's z (dy) is stored as f16 pairs (half-act.ts). */
  inHalf: number;
  dyHalf: number;
  /** dy's BN layer (bn-backward-load.ts): offset −1 for none. */
  dyOffset: number;
  dyTotal: number;
  dyCount: number;
  dyMask: number;
  /** 1: return the partial sums unsummed. */
  keepSplits: number;
}

function loadsOf(a: Attrs): FilterGradLoads {
  const loads: FilterGradLoads = {};
  if (a.inOffset >= 0)
    loads.inputBn = { offset: a.inOffset, total: a.inTotal, half: a.inHalf === 1 };
  if (a.dyOffset >= 0)
    loads.dyBn = {
      offset: a.dyOffset,
      total: a.dyTotal,
      count: a.dyCount,
      maskFromParams: a.dyMask === 1,
      half: a.dyHalf === 1,
    };
  return loads;
}

/** `ScConvFilterGrad`: one tfjs kernel whatever the loads, so tf.profile counts it once. */
const filterGradKernel: tf.KernelFunc = ({ inputs, backend, attrs }) => {
  const a = attrs as unknown as Attrs;
  const loads = loadsOf(a);
  const list = filterGradInputNames(loads).map((n) => inputs[n] as tf.TensorInfo);
  return runFilterGrad(backend as unknown as WebGPUBackend, list, a, a, loads, a.keepSplits === 1);
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
 * dW of a convolution y = conv2d(x, W, stride, pad) given dy, on webgpu; dy may be given as the
 * backward of the BN layer y fed (applied as dy loads), and x as a BN layer's z (`inputBn`).
 * One tfjs kernel, `ScConvFilterGrad`: two dispatches when the batch is split, else one.
 */
export function filterGradTiled(
  x: tf.Tensor4D,
  dy: tf.Tensor4D | BnBackward,
  filterShape: readonly [number, number, number, number],
  stride: number | [number, number],
  pad: 'same' | 'valid' | [number, number],
  opts: FilterGradOptions = {},
): tf.Tensor4D {
  if (!tiledFilterGradAvailable()) throw new Error('filterGradTiled needs the webgpu backend');
  // Registered with tfjs (once) so tf.profile and memory tracking see it.
  registerWebGpuKernel(FILTER_GRAD, filterGradKernel);
  const inBn = opts.inputBn;
  // x may be a BN layer's z stored as f16 pairs (half-act.ts): the geometry is its logical one.
  const xShape = inBn ? logicalShape(x.shape, inBn.slot.channels) : x.shape;
  const geometry = convGeometry(xShape, filterShape, stride, pad);
  const bwd = isBnBackward(dy) ? dy : null;
  checkShapes(geometry, xShape, bwd ? bwd.dz.shape : (dy as tf.Tensor4D).shape, filterShape);
  const dyHalf = bwd && halfZ(bwd) ? 1 : 0;
  const plan = planFilterGrad(geometry, opts);
  if (inBn && bwd && (inBn.stats !== bwd.stats || inBn.params !== bwd.params))
    throw new Error('filterGradTiled: both loads must read the same stats and params tensors');
  const attrs: Attrs = {
    ...geometry,
    ...plan,
    inOffset: inBn?.slot.offset ?? -1,
    inTotal: inBn?.slot.total ?? 0,
    inHalf: inBn && isHalf(x.shape, inBn.slot.channels) ? 1 : 0,
    dyHalf,
    dyOffset: bwd?.slot.offset ?? -1,
    dyTotal: bwd?.slot.total ?? 0,
    dyCount: bwd ? perChannel(bwd) : 0,
    dyMask: bwd?.maskFromParams ? 1 : 0,
    keepSplits: opts.keepSplits ? 1 : 0,
  };
  const inputs: tf.NamedTensorMap = { x };
  if (bwd) [inputs['gDZ'], inputs['gZ'], inputs['gD']] = bnBackwardInputs(bwd);
  else inputs['dy'] = dy as tf.Tensor4D;
  // With a BN backward, the sums also carry the input BN's constants (input-bn.ts's fromSums).
  if (inBn && !bwd) [inputs['bnS'], inputs['bnG']] = [inBn.stats, inBn.params];
  return tf
    .engine()
    .runKernel(FILTER_GRAD, inputs, attrs as unknown as tf.NamedAttrMap) as tf.Tensor4D;
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
