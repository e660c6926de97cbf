/**
 * SGD in place in a replayed step. Through tfjs an update takes two programs, because a tfjs
 * program writes one new tensor: ScSgdVelocity (v' = m·v + Σ partials + wd·w) and ScSgdWeight
 * (w' = w − lr·v'), then the plan copies w' and v' back into the variables' buffers. A plan binds
 * buffers itself, so it can update w and v where they are: this pass replaces each recorded pair
 * by a dispatch of the kernel below, and drops the two copies; two updates recorded back to back
 * share one dispatch. The arithmetic is the same expressions in the same order (ops/fused.ts),
 * so the result is too.
 */
import { pipelineFor, planDispatch, type PlanDispatch } from './plan-dispatch';

const THREADS = 64;

/** WGSL updating parameter `p` (bindings w{p}, v{p}, g{p}) at element `i`, from `k` partials. */
function update(p: number, k: number, i: string): string {
  return `let n${p} = arrayLength(&w${p});
    var s${p} = 0.0;
    for (var k = 0u; k < ${k}u; k++) { s${p} = s${p} + g${p}[k * n${p} + ${i}]; }
    let v${p}i = h[1] * v${p}[${i}] + s${p} + h[2] * w${p}[${i}];
    v${p}[${i}] = v${p}i;
    w${p}[${i}] = w${p}[${i}] - h[0] * v${p}i;`;
}

/**
 * One dispatch updating one parameter, or two: threads [0, n1) take the first, the rest the
 * second. (Two, because a tensor is three storage bindings and WebGPU guarantees eight.)
 */
function kernel(partials: number[]): string {
  const bindings = partials.flatMap((_, p) => [
    `@group(0) @binding(${3 * p}) var<storage, read_write> w${p} : array<f32>;`,
    `@group(0) @binding(${3 * p + 1}) var<storage, read_write> v${p} : array<f32>;`,
    `@group(0) @binding(${3 * p + 2}) var<storage, read> g${p} : array<f32>;`,
  ]);
  const body =
    partials.length === 1
      ? `if (id.x >= arrayLength(&w0)) { return; }
    ${update(0, partials[0]!, 'id.x')}`
      : `let i = id.x;
    if (i < arrayLength(&w0)) {
    ${update(0, partials[0]!, 'i')}
    } else if (i - arrayLength(&w0) < arrayLength(&w1)) {
    let j = i - arrayLength(&w0);
    ${update(1, partials[1]!, 'j')}
    }`;
  return `
${bindings.join('\n')}
@group(0) @binding(${3 * partials.length}) var<storage, read> h : array<f32>; // lr, momentum, wd

@compute @workgroup_size(${THREADS})
fn main(@builtin(global_invocation_id) id : vec3<u32>) {
    ${body}
}`;
}

/** One dispatch of the in-place kernel for the parameters `[w, v, g]` given, in order. */
function inPlace(device: GPUDevice, params: GPUBuffer[][], hyper: GPUBuffer): PlanDispatch {
  const code = kernel(params.map(([w, , g]) => g!.size / w!.size));
  const elements = params.reduce((n, [w]) => n + w!.size / 4, 0);
  return planDispatch(device, {
    pipeline: pipelineFor(device, code, 'main'),
    buffers: [...params.flat(), hyper],
    workgroups: [Math.ceil(elements / THREADS), 1, 1],
    key: params.length === 1 ? 'ScSgdInPlace' : 'ScSgdInPlace2',
    // w and v are read and written, the partials and [lr, momentum, wd] read.
    bytes: params.reduce((n, [w, v, g]) => n + 2 * w!.size + 2 * v!.size + g!.size, hyper.size),
  });
}

/**
 * The plan's dispatches with each SGD pair fused, and the buffers (w', v') that no replay writes
 * any more, whose copies back must go. Two updates recorded back to back (the trainer hands them
 * over in twos, train-step.ts) share one dispatch.
 */
export function fuseSgd(
  device: GPUDevice,
  dispatches: PlanDispatch[],
): { dispatches: PlanDispatch[]; unwritten: Set<GPUBuffer>; updates: number } {
  const out: PlanDispatch[] = [];
  const unwritten = new Set<GPUBuffer>();
  let fused = 0;
  const max = device.limits.maxComputeWorkgroupsPerDimension * THREADS;
  /** The update recorded at dispatch i as [w, v, g] and h, if dispatches i and i + 1 are one. */
  const updateAt = (i: number) => {
    const velocity = dispatches[i];
    const weight = dispatches[i + 1];
    if (!velocity || !weight) return null;
    const [newV, w, v, g, h] = velocity.buffers;
    const fits =
      velocity.key.startsWith('ScSgdVelocity_') &&
      weight.key.startsWith('ScSgdWeight') &&
      velocity.buffers.length === 5 &&
      weight.buffers[1] === w &&
      weight.buffers[2] === newV &&
      weight.buffers[3] === h &&
      w!.size / 4 <= max;
    return fits ? { param: [w!, v!, g!], h: h!, written: [newV!, weight.buffers[0]!] } : null;
  };
  for (let i = 0; i < dispatches.length; i++) {
    const first = updateAt(i);
    if (!first) {
      out.push(dispatches[i]!);
      continue;
    }
    const second = updateAt(i + 2);
    const pair =
      second && second.h === first.h && (first.param[0]!.size + second.param[0]!.size) / 4 <= max;
    const updates = pair ? [first, second] : [first];
    out.push(
      inPlace(
        device,
        updates.map((u) => u.param),
        first.h,
      ),
    );
    for (const u of updates) for (const b of u.written) unwritten.add(b);
    fused += updates.length;
    i += 2 * updates.length - 1; // the weight halves (and the second update) are done too
  }
  return { dispatches: out, unwritten, updates: fused };
}
