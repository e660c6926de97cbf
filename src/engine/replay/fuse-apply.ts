/**
 * A block's output computed by the next block's first conv as it loads it, in a replayed step.
 * Through tfjs, h' = relu(BN(z) + h) is a kernel of its own (ScBnApply, flat-bn.ts) that reads
 * z and h and writes h', which the next conv then reads again. h' must still be stored (the next
 * block's shortcut and the backward read it), but the conv can compute it from z and h as it
 * gathers its input (BN + ReLU on load, as input-bn.ts does for a block's middle activation) and
 * store the value it gathered at its centre tap, which for a stride-1 3×3 conv with padding 1
 * is its own output pixel: every value of h' is stored exactly once, by the workgroup that owns
 * that pixel (one workgroup column: N ≤ 64). ResNet-56: 23 ScBnApply kernels and one
 * activation-sized read each go (the stem's, and those of blocks whose shortcut is the identity
 * and whose next conv keeps the size).
 */
import { centreTap, convProgram, forwardGeometry } from '../ops/conv-forward';
import { gemmTileN } from '../ops/implicit-gemm';
import { sideOf, uniformBlock, type Side } from './fuse-grads';
import {
  boundBytes,
  gemmCode,
  pipelineFor,
  planDispatch,
  recordedInts,
  uniformBuffer,
  type PlanDispatch,
} from './plan-dispatch';

interface Apply {
  out: GPUBuffer;
  z: GPUBuffer;
  stats: GPUBuffer;
  params: GPUBuffer;
  h: GPUBuffer | null;
  offset: number;
  total: number;
  /** z is stored as f16 pairs (ops/half-act.ts). */
  half: boolean;
}

/**
 * A recorded ScBnApply with ReLU whose shortcut, if any, is the identity and whose mean and
 * variance are this step's batch statistics at the layer's own columns: what the conv's
 * prologue computes (ScBnApply_c_hh_ww_{none | stride_pad_hi_wi_ci}_relu).
 */
function applyOf(d: PlanDispatch | undefined): Apply | null {
  // tfjs appends the workgroup size and more to the program's key.
  const key = /^ScBnApply_(\d+)_(\d+)_(\d+)_(none|[\d_]+?)_true(_half)?_/.exec(d?.key ?? '');
  if (!d || !key) return null;
  const [, c, hh, ww, shortcut, half] = key;
  const residual = shortcut !== 'none';
  if (residual && shortcut !== `1_0_${hh}_${ww}_${c}`) return null;
  const [out, z, mean, variance, params, h] = d.buffers;
  if (d.buffers.length !== (residual ? 6 : 5) || mean !== variance) return null;
  const [offset, total, meanAt, varAt] = recordedInts(d);
  if (offset === undefined || total === undefined) return null;
  if (meanAt !== offset || varAt !== total + offset) return null;
  const apply = { out: out!, z: z!, stats: mean!, params: params!, h: h ?? null, offset, total };
  return { ...apply, half: half !== undefined };
}

/**
 * The plan's dispatches with each (ScBnApply, plain forward conv reading its output) pair
 * recorded back to back replaced by one conv that computes and stores the output as it loads
 * it, and the uniform buffers made for them (the plan owns and destroys them).
 */
export function fuseApply(
  device: GPUDevice,
  dispatches: PlanDispatch[],
): { dispatches: PlanDispatch[]; owned: GPUBuffer[]; layers: number } {
  const out: PlanDispatch[] = [];
  const owned: GPUBuffer[] = [];
  for (let k = 0; k < dispatches.length; k++) {
    const a = applyOf(dispatches[k]);
    const conv = a ? sideOf(dispatches[k + 1], 'ScConv_') : null;
    const g = conv ? forwardGeometry(conv.program) : undefined;
    const fits =
      a &&
      conv &&
      g &&
      centreTap(g) !== null &&
      gemmTileN(g.outChannels) >= g.outChannels &&
      conv.buffers.length === 3 &&
      conv.buffers[1] === a.out;
    if (!fits) {
      out.push(dispatches[k]!);
      continue;
    }
    const half = { input: a.half, output: conv.program.packsOutput };
    const program = convProgram(g, false, { residual: a.h !== null }, half);
    const [result, , filter] = conv.buffers as [GPUBuffer, GPUBuffer, GPUBuffer];
    const buffers = [result, a.z, filter, a.stats, a.params, ...(a.h ? [a.h] : []), a.out];
    const side: Side = {
      program,
      uniforms: [
        { type: 'int32', data: [a.offset] },
        { type: 'int32', data: [a.total] },
      ],
      buffers,
    };
    const block = uniformBlock([side])!;
    const uniform = uniformBuffer(device, block.data);
    owned.push(uniform);
    const fused = planDispatch(device, {
      pipeline: pipelineFor(device, gemmCode(program, block.struct, false), '_start'),
      buffers,
      uniform,
      workgroups: dispatches[k + 1]!.workgroups,
      key: 'ScConvApply',
      bytes: boundBytes(buffers),
    });
    // What fuse-stats.ts needs to give it tile statistics too.
    out.push({ ...fused, program, uniforms: side.uniforms });
    k++; // the conv is done too
  }
  return { dispatches: out, owned, layers: owned.length };
}
