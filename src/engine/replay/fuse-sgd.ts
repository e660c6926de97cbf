/**
 * SGD in place, one dispatch per parameter, in a replayed step. Through tfjs the update takes two
 * programs, because a tfjs program writes one new tensor: ScSgdVelocity (v' = m·v + Σ partials +
 * wd·w) and ScSgdWeight (w' = w − lr·v'), then the plan copies w' and v' back into the variables'
 * buffers. A plan binds buffers itself, so it can update w and v where they are: this pass
 * replaces each recorded pair by one dispatch of the kernel below, and drops the two copies.
 * The arithmetic is the same expressions in the same order (ops/fused.ts), so the result is too.
 */
export interface PlanDispatch {
  pipeline: GPUComputePipeline;
  bindGroup: GPUBindGroup;
  workgroups: [number, number, number];
  /** The program's shader key (tfjs's), or this module's name for a fused dispatch. */
  key: string;
  /** Bound buffers in binding order: output, then inputs (uniforms not included). */
  buffers: GPUBuffer[];
}

const THREADS = 64;

function kernel(partials: number): string {
  return `
@group(0) @binding(0) var<storage, read_write> w : array<f32>;
@group(0) @binding(1) var<storage, read_write> v : array<f32>;
@group(0) @binding(2) var<storage, read> g : array<f32>;
@group(0) @binding(3) var<storage, read> h : array<f32>; // lr, momentum, weight decay

@compute @workgroup_size(${THREADS})
fn main(@builtin(global_invocation_id) id : vec3<u32>) {
  let n = arrayLength(&w);
  let i = id.x;
  if (i >= n) { return; }
  var s = 0.0;
  for (var k = 0u; k < ${partials}u; k++) { s = s + g[k * n + i]; }
  let vi = h[1] * v[i] + s + h[2] * w[i];
  v[i] = vi;
  w[i] = w[i] - h[0] * vi;
}`;
}

const pipelines = new WeakMap<GPUDevice, Map<number, GPUComputePipeline>>();

function pipelineFor(device: GPUDevice, partials: number): GPUComputePipeline {
  const byK = pipelines.get(device) ?? new Map<number, GPUComputePipeline>();
  pipelines.set(device, byK);
  let p = byK.get(partials);
  if (!p) {
    const module = device.createShaderModule({ code: kernel(partials) });
    p = device.createComputePipeline({ layout: 'auto', compute: { module, entryPoint: 'main' } });
    byK.set(partials, p);
  }
  return p;
}

/**
 * The plan's dispatches with each SGD pair fused, and the buffers (w', v') that no replay writes
 * any more, whose copies back must go.
 */
export function fuseSgd(
  device: GPUDevice,
  dispatches: PlanDispatch[],
): { dispatches: PlanDispatch[]; unwritten: Set<GPUBuffer> } {
  const out: PlanDispatch[] = [];
  const unwritten = new Set<GPUBuffer>();
  for (let i = 0; i < dispatches.length; i++) {
    const velocity = dispatches[i]!;
    const weight = dispatches[i + 1];
    const [newV, w, v, g, h] = velocity.buffers;
    const fits =
      velocity.key.startsWith('ScSgdVelocity_') &&
      weight?.key.startsWith('ScSgdWeight') &&
      velocity.buffers.length === 5 &&
      weight.buffers[1] === w &&
      weight.buffers[2] === newV &&
      weight.buffers[3] === h;
    const workgroups = w ? Math.ceil(w.size / 4 / THREADS) : 0;
    if (!fits || !weight || workgroups > device.limits.maxComputeWorkgroupsPerDimension) {
      out.push(velocity);
      continue;
    }
    const partials = g!.size / w!.size;
    const pipeline = pipelineFor(device, partials);
    const buffers = [w!, v!, g!, h!];
    out.push({
      pipeline,
      bindGroup: device.createBindGroup({
        layout: pipeline.getBindGroupLayout(0),
        entries: buffers.map((buffer, binding) => ({ binding, resource: { buffer } })),
      }),
      workgroups: [workgroups, 1, 1],
      key: 'ScSgdInPlace',
      buffers,
    });
    unwritten.add(newV!);
    unwritten.add(weight.buffers[0]!);
    i++; // the weight half is done too
  }
  return { dispatches: out, unwritten };
}
