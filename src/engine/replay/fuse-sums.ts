/**
 * A BN layer's backward sums from the input gradient that produces their dy, in a replayed
 * step. Through tfjs, Σdy·x̂ and Σdy of a layer are a kernel of their own (ScBnSums,
 * flat-bn.ts) that reads the gradient and the layer's input z again once an input-gradient conv
 * has written it. In a joined pair (fuse-grads.ts) that gradient is in the input-gradient
 * workgroups' registers, and the pair binds the sums chain whose rows 2–5 hold every layer's
 * stats and γ, β, so each workgroup also writes its tile's per-channel sums (implicit-gemm.ts's
 * `tileSums`) to a small buffer the plan owns, and a finalize kernel in ScBnSums's place adds the
 * tiles into the same [6, T] chain. A block's first BN layer gets them from its second unit's
 * pair (z is bound already); a block's second layer, and the stem's, from the next block's
 * first-unit pair (z is a tenth binding). ResNet-56 at batch 128: 52 of 55 ScBnSums go (0.55 →
 * 0.03 GB), for 52 finalizes (15 MB) and the second kind's z read by its pair.
 */
import { FLAT_BN_EPS } from '../ops/flat-bn';
import { GEMM_TILE_M, type ImplicitGemmProgram } from '../ops/implicit-gemm';
import { REDUCE, REDUCE_THREADS as WG } from '../ops/wgsl';
import type { Side } from './fuse-grads';
import { boundBytes, pipelineFor, planDispatch, slotOf, type PlanDispatch } from './plan-dispatch';

/** Kinds that only read the BN statistics and parameters they bind. */
const READERS = ['ScBnSums', 'scConvFilterGrad', 'ScConvInputGrad', 'ScConvGradPair'];

/** ScBnSums's bindings: result [6, T], then DZ, G (γ, β), X (z), S (stats), P (the chain). */
function sumsBindings(d: PlanDispatch | undefined) {
  if (!d?.key.startsWith('ScBnSums_') || d.buffers.length !== 6) return null;
  const [out, dz, params, x, stats, chain] = d.buffers as [
    GPUBuffer,
    GPUBuffer,
    GPUBuffer,
    GPUBuffer,
    GPUBuffer,
    GPUBuffer,
  ];
  return { out, dz, params, x, stats, chain, slot: slotOf(d) };
}

export const sumsPartialBytes = (p: ImplicitGemmProgram) =>
  Math.ceil(p.rows / GEMM_TILE_M) * 2 * p.columns * 4;

/** ScBnSums's output from the tiles: one workgroup per channel, as ScBnSums. */
function finalizeCode(o: number, total: number, c: number, tiles: number): string {
  return `
@group(0) @binding(0) var<storage, read_write> result : array<f32>;
@group(0) @binding(1) var<storage, read> partials : array<f32>;
@group(0) @binding(2) var<storage, read> G : array<f32>;
@group(0) @binding(3) var<storage, read> S : array<f32>;
@group(0) @binding(4) var<storage, read> P : array<f32>;
${REDUCE}

@compute @workgroup_size(${WG})
fn main(@builtin(local_invocation_id) lid : vec3<u32>, @builtin(workgroup_id) wid : vec3<u32>) {
  let t = i32(lid.x);
  let ch = i32(wid.x);
  for (var j = ch * ${WG} + t; j < ${6 * total}; j = j + ${c * WG}) {
    let k = j % ${total};
    if (j >= ${4 * total}) { result[j] = G[j - ${4 * total}]; }
    else if (j >= ${2 * total}) { result[j] = S[j - ${2 * total}]; }
    else if (k < ${o} || k >= ${o + c}) { result[j] = P[j]; }
  }
  var sdx = 0.0;
  var sd = 0.0;
  for (var p = t; p < ${tiles}; p = p + ${WG}) {
    sdx = sdx + partials[2 * p * ${c} + ch];
    sd = sd + partials[(2 * p + 1) * ${c} + ch];
  }
  let tot = reduce2(t, sdx, sd);
  if (t == 0) {
    result[${o} + ch] = tot.x;
    result[${total + o} + ch] = tot.y;
  }
}`;
}

export interface SumsFusion {
  /** The input-gradient side, writing its tiles' sums too (one more input: z, maybe bound already). */
  side: Side;
  /** Where the ScBnSums it replaces was recorded. */
  at: number;
  partialBytes: number;
  /** The finalize dispatch that takes ScBnSums's place. */
  finalize(device: GPUDevice, partials: GPUBuffer): PlanDispatch;
}

/**
 * The fusion of the pair recorded at k, k + 1 (filter gradient `f`, input gradient `i`) with the
 * ScBnSums that reads the input gradient's output, if its result cannot differ from ScBnSums's.
 * Two kinds qualify:
 * - a block's first BN layer: ScBnSums masks the second unit's input gradient by γ·x̂ + β > 0,
 *   and its z is the filter gradient's input, which the pair binds already;
 * - a block's second BN layer (or the stem's): the next block's first unit wrote the gradient
 *   with its residual epilogue, which masked it by the block output's ReLU, so ScBnSums reads it
 *   unmasked; its z is one more binding (10 in all: webgpu-backend.ts asks for them).
 * Nothing in between may bind the gradient or z, and the sums chain the pair reads must carry the
 * statistics and γ, β ScBnSums reads (its writer read the same buffers, and nothing since has
 * written them).
 */
export function sumsFusion(
  dispatches: PlanDispatch[],
  k: number,
  f: Side,
  i: Side,
): SumsFusion | null {
  const [dx, chainIn] = [i.buffers[0]!, i.buffers[4]];
  let at = k + 2;
  while (at < dispatches.length && !dispatches[at]!.buffers.includes(dx)) at++;
  const sums = sumsBindings(dispatches[at]);
  const p = i.program;
  if (!sums?.slot || sums.dz !== dx || sums.out.size !== 6 * sums.slot[1] * 4) return null;
  const kind = `ScBnSums_${p.rows}_${p.columns}_`;
  const mask = dispatches[at]!.key.startsWith(`${kind}true`);
  const residual = p.variableNames.includes('Y');
  if (mask ? sums.x !== f.buffers[1] : !residual || !dispatches[at]!.key.startsWith(`${kind}false`))
    return null;
  const z = sums.x;
  // ScBnSums's key ends in _half where z is stored as f16 pairs (ops/half-act.ts).
  const half = dispatches[at]!.key.startsWith(`${kind}${mask}_half`);
  for (let m = k + 2; m < at; m++) {
    if (dispatches[m]!.buffers.some((b) => b === dx || b === z)) return null;
  }
  let writer = k - 1;
  while (writer >= 0 && dispatches[writer]!.buffers[0] !== chainIn) writer--;
  const source = sumsBindings(dispatches[writer]);
  if (!source || source.params !== sums.params || source.stats !== sums.stats) return null;
  for (let m = writer + 1; m < at; m++) {
    const d = dispatches[m]!;
    const binds = d.buffers.some((b) => b === sums.params || b === sums.stats);
    const written = d.buffers[0] === sums.params || d.buffers[0] === sums.stats;
    if (binds && (written || !READERS.some((r) => d.key.startsWith(r)))) return null;
  }
  const [o, total] = sums.slot;
  const program = p.withTileSums({
    x: 'bnX',
    sums: 'gD',
    offset: o,
    total,
    eps: FLAT_BN_EPS,
    mask,
    half,
  });
  if (!program || p.variableNames[3] !== 'gD') return null;
  const partialBytes = sumsPartialBytes(p);
  const tiles = Math.ceil(p.rows / GEMM_TILE_M);
  return {
    side: { program, uniforms: i.uniforms, buffers: [...i.buffers, z] },
    at,
    partialBytes,
    finalize: (device, partials) =>
      planDispatch(device, {
        pipeline: pipelineFor(device, finalizeCode(o, total, p.columns, tiles), 'main'),
        buffers: [sums.out, partials, sums.params, sums.stats, sums.chain],
        workgroups: [p.columns, 1, 1],
        key: 'ScBnSumsFinal',
        bytes: boundBytes([sums.out, sums.params, sums.stats, sums.chain]) + partialBytes,
      }),
  };
}
