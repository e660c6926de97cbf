/**
 * BN batch statistics from the producing convolution, in a replayed step. Through tfjs a BN
 * layer's mean and variance are a kernel of their own (ScBnStats, flat-bn.ts) that reads the
 * whole conv output again, because a tfjs program writes one tensor. A plan binds buffers
 * itself, so this pass gives each forward conv that ScBnStats reads a second output: each
 * workgroup writes its tile's per-channel mean and sum of squared deviations (64 rows;
 * implicit-gemm.ts's `tileStats`) to a small buffer the plan owns, and a finalize kernel in
 * ScBnStats's place combines the tiles into the same [2, T] chain (Chan, Golub and LeVeque's
 * pairwise update: M2 = Σ M2ₜ + Σ nₜ·(meanₜ − mean)²). Deviations are taken from each tile's own
 * mean, so the variance has no E[x²] − mean² cancellation. ResNet-56 at batch 128: the 55
 * activation-sized reads of the statistics (0.27 GB) become ~10 MB of partial sums.
 */
import { ImplicitGemmProgram } from '../ops/implicit-gemm';
import { REDUCE, REDUCE_THREADS as WG } from '../ops/wgsl';
import { sideOf, uniformBlock, type Side } from './fuse-grads';
import {
  boundBytes,
  gemmCode,
  pipelineFor,
  planDispatch,
  slotOf,
  uniformBuffer,
  type PlanDispatch,
} from './plan-dispatch';

const TILE_ROWS = 64; // the generator's TM

/**
 * ScBnStats's output from the tiles: layer columns [o, o + c) of rows 0 (mean) and 1 (biased
 * variance) of the [2, total] chain, the other columns copied from the chain before it. One
 * workgroup per channel, as ScBnStats: its threads stride over the tiles (2,048 per layer at
 * batch 128 in stage 1) and reduce in workgroup memory, so no thread walks them alone.
 */
function finalizeCode(o: number, total: number, c: number, rows: number): string {
  const tiles = Math.ceil(rows / TILE_ROWS);
  return `
@group(0) @binding(0) var<storage, read_write> result : array<f32>;
@group(0) @binding(1) var<storage, read> partials : array<f32>;
@group(0) @binding(2) var<storage, read> chain : array<f32>;
${REDUCE}

fn tileRows(p : i32) -> f32 { return f32(min(${TILE_ROWS}, ${rows} - ${TILE_ROWS} * p)); }

@compute @workgroup_size(${WG})
fn main(@builtin(local_invocation_id) lid : vec3<u32>, @builtin(workgroup_id) wid : vec3<u32>) {
  let t = i32(lid.x);
  let ch = i32(wid.x);
  for (var j = ch * ${WG} + t; j < ${2 * total}; j = j + ${c * WG}) {
    let k = j % ${total};
    if (k < ${o} || k >= ${o + c}) { result[j] = chain[j]; }
  }
  var s = 0.0;
  for (var p = t; p < ${tiles}; p = p + ${WG}) { s = s + tileRows(p) * partials[2 * p * ${c} + ch]; }
  let mean = reduce2(t, s, 0.0).x / f32(${rows});
  var q = 0.0;
  for (var p = t; p < ${tiles}; p = p + ${WG}) {
    let d = partials[2 * p * ${c} + ch] - mean;
    q = q + partials[(2 * p + 1) * ${c} + ch] + tileRows(p) * d * d;
  }
  let variance = reduce2(t, q, 0.0).x / f32(${rows});
  if (t == 0) {
    result[${o} + ch] = mean;
    result[${total + o} + ch] = variance;
  }
}`;
}

interface Match {
  conv: Side;
  program: ImplicitGemmProgram;
  block: { struct: string; data: Int32Array<ArrayBuffer> };
  stats: PlanDispatch;
  slot: [number, number];
}

/** The (forward conv, ScBnStats) pair recorded at k, k + 1, if this pass can fuse it. */
function matchAt(dispatches: PlanDispatch[], k: number): Match | null {
  const conv = sideOf(dispatches[k], 'ScConv');
  const stats = dispatches[k + 1];
  const program = conv?.program.withTileStats();
  if (!conv || !stats || !program) return null;
  const slot = slotOf(stats);
  const block = uniformBlock([conv]);
  const [chainOut, x] = stats.buffers;
  const fits =
    stats.key.startsWith(`ScBnStats_${program.rows}_${program.columns}_`) &&
    stats.buffers.length === 3 &&
    x === conv.buffers[0] &&
    // z's bytes: 4 per value, or 2 where it is stored as f16 pairs (ops/half-act.ts).
    x!.size === program.rows * program.columns * (program.packsOutput ? 2 : 4) &&
    slot !== null &&
    chainOut!.size === 2 * slot[1] * 4;
  return fits && block && slot ? { conv, program, block, stats, slot } : null;
}

const partialBytes = (p: ImplicitGemmProgram) => Math.ceil(p.rows / TILE_ROWS) * 2 * p.columns * 4;

/**
 * The plan's dispatches with each (forward conv, ScBnStats) pair recorded back to back replaced
 * by the conv with tile statistics and the finalize, and the buffers made for them (the plan
 * owns and destroys them). One partials buffer serves every layer: each layer's are dead once
 * its finalize has read them, and dispatches in a pass run in order.
 */
export function fuseStats(
  device: GPUDevice,
  dispatches: PlanDispatch[],
): { dispatches: PlanDispatch[]; owned: GPUBuffer[]; layers: number } {
  const matches = dispatches.map((_, k) => matchAt(dispatches, k));
  const size = Math.max(0, ...matches.map((m) => (m ? partialBytes(m.program) : 0)));
  if (size === 0) return { dispatches, owned: [], layers: 0 };
  const partials = device.createBuffer({ size, usage: GPUBufferUsage.STORAGE });
  const owned = [partials];
  const out: PlanDispatch[] = [];
  let layers = 0;
  for (let k = 0; k < dispatches.length; k++) {
    const m = matches[k];
    if (!m) {
      out.push(dispatches[k]!);
      continue;
    }
    const uniform = uniformBuffer(device, m.block.data);
    owned.push(uniform);
    const [chainOut, , chainIn] = m.stats.buffers;
    const [o, t] = m.slot;
    out.push(
      planDispatch(device, {
        pipeline: pipelineFor(device, gemmCode(m.program, m.block.struct, true), '_start'),
        buffers: [...m.conv.buffers, partials],
        uniform,
        workgroups: dispatches[k]!.workgroups,
        key: 'ScConvTileStats',
        // The shared partials buffer is sized for the largest layer: count this layer's part.
        bytes: boundBytes(m.conv.buffers) + partialBytes(m.program),
      }),
      planDispatch(device, {
        pipeline: pipelineFor(
          device,
          finalizeCode(o, t, m.program.columns, m.program.rows),
          'main',
        ),
        buffers: [chainOut!, partials, chainIn!],
        workgroups: [m.program.columns, 1, 1],
        key: 'ScBnStatsFinal',
        bytes: boundBytes([chainOut!, chainIn!]) + partialBytes(m.program),
      }),
    );
    layers++;
    k++; // the statistics are done too
  }
  return { dispatches: out, owned, layers };
}
