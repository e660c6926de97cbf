/**
 * One dispatch of a recorded plan (step-plan.ts), and what the passes that rewrite a plan after
 * recording (fuse-sgd.ts, fuse-grads.ts, fuse-stats.ts) share to make their own: pipelines
 * compiled once per device and shader, bind groups, write-once uniform buffers, byte counts.
 */
import type { ImplicitGemmProgram } from '../ops/implicit-gemm';

export interface PlanDispatch {
  pipeline: GPUComputePipeline;
  bindGroup: GPUBindGroup;
  workgroups: [number, number, number];
  /** The program's shader key (tfjs's), or the pass's name for a dispatch it made. */
  key: string;
  /** Bound buffers in binding order: output, then inputs (uniforms not included). */
  buffers: GPUBuffer[];
  /**
   * Bytes the dispatch binds for reading and writing: each distinct storage buffer once, twice
   * where it is updated in place (read, then written). The plan's traffic (`StepPlan.traffic`).
   */
  bytes: number;
  /** The tfjs program recorded, and the uniforms of its own it was given (for fuse-grads.ts). */
  program?: object;
  uniforms?: unknown;
}

/** A recorded program's own int32 uniforms, in order (flat-bn.ts's `withSlot`: offset, T, …). */
export function recordedInts(d: PlanDispatch): number[] {
  return ((d.uniforms ?? []) as { data: number[] }[]).flatMap((u) => u.data);
}

/** The [offset, T] a recorded BN kernel was given (its first two uniforms), or null. */
export function slotOf(d: PlanDispatch): [number, number] | null {
  const data = recordedInts(d);
  return data.length >= 2 ? [data[0]!, data[1]!] : null;
}

/** Bytes of the distinct buffers in `buffers` (a buffer bound twice is read once). */
export function boundBytes(buffers: GPUBuffer[]): number {
  return [...new Set(buffers)].reduce((n, b) => n + b.size, 0);
}

const pipelines = new WeakMap<GPUDevice, Map<string, GPUComputePipeline>>();

/** A compute pipeline for `code` (entry point `entry`), made once per device and code. */
export function pipelineFor(device: GPUDevice, code: string, entry: string): GPUComputePipeline {
  const byCode = pipelines.get(device) ?? new Map<string, GPUComputePipeline>();
  pipelines.set(device, byCode);
  const key = `${entry}\n${code}`;
  let p = byCode.get(key);
  if (!p) {
    const module = device.createShaderModule({ code });
    p = device.createComputePipeline({ layout: 'auto', compute: { module, entryPoint: entry } });
    byCode.set(key, p);
  }
  return p;
}

/**
 * A uniform buffer holding `data`, written once: a plan's dispatches keep theirs for every
 * replay. The caller (the plan) owns and destroys it.
 */
export function uniformBuffer(device: GPUDevice, data: Int32Array<ArrayBuffer>): GPUBuffer {
  const buffer = device.createBuffer({
    size: data.byteLength,
    usage: GPUBufferUsage.UNIFORM | GPUBufferUsage.COPY_DST,
  });
  device.queue.writeBuffer(buffer, 0, data);
  return buffer;
}

/**
 * A tfjs program's own WGSL (an implicit GEMM: ops/implicit-gemm.ts) as a whole shader, its
 * bindings declared as tfjs would (output, inputs, uniforms) but for the inputs its loads write
 * (`writes`, read_write) and, with `partials`, a per-tile output after the inputs.
 */
export function gemmCode(program: ImplicitGemmProgram, struct: string, partials: boolean): string {
  const n = program.variableNames.length;
  const [x, y, z] = program.workgroupSize;
  const access = (v: string) => (program.writes.includes(v) ? 'read_write' : 'read');
  const bindings = program.variableNames.map(
    (v, k) => `@group(0) @binding(${k + 1}) var<storage, ${access(v)}> ${v} : array<f32>;`,
  );
  if (partials)
    bindings.push(`@group(0) @binding(${n + 1}) var<storage, read_write> partials : array<f32>;`);
  return `
${struct}
@group(0) @binding(0) var<storage, read_write> result : array<f32>;
${bindings.join('\n')}
@group(0) @binding(${bindings.length + 1}) var<uniform> uniforms : Uniforms;
var<private> localIndex : u32;
var<private> workgroupId : vec3<u32>;
${program.getUserCode()}
@compute @workgroup_size(${x}, ${y}, ${z})
fn _start(@builtin(local_invocation_index) li : u32, @builtin(workgroup_id) wid : vec3<u32>) {
  localIndex = li;
  workgroupId = wid;
  main();
}`;
}

/** What a pass's own dispatch is: its pipeline, bindings and size. */
export interface DispatchSpec {
  pipeline: GPUComputePipeline;
  /** Storage buffers, bound 0, 1, … in this order; then `uniform`, if any, next. */
  buffers: GPUBuffer[];
  uniform?: GPUBuffer;
  workgroups: [number, number, number];
  key: string;
  bytes: number;
}

/** A plan dispatch with its bind group made from `spec`'s buffers. */
export function planDispatch(device: GPUDevice, spec: DispatchSpec): PlanDispatch {
  const { pipeline, buffers, uniform, workgroups, key, bytes } = spec;
  const entries: GPUBindGroupEntry[] = buffers.map((buffer, binding) => ({
    binding,
    resource: { buffer },
  }));
  if (uniform) entries.push({ binding: entries.length, resource: { buffer: uniform } });
  const layout = pipeline.getBindGroupLayout(0);
  return {
    pipeline,
    bindGroup: device.createBindGroup({ layout, entries }),
    workgroups,
    key,
    buffers,
    bytes,
  };
}
