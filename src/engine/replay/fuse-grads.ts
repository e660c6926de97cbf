/**
 * A conv unit's two gradients in one dispatch, in a replayed step. The filter gradient and the
 * input gradient of a unit read the same dy, z and BN sums, and neither needs the other's
 * result, but through tfjs they are two programs: a tfjs program has one output. A plan binds
 * buffers itself, so after recording this pass joins each such pair into one dispatch of a
 * shader made from the two programs' own WGSL (implicit-gemm.ts): workgroups [0, nF) run the
 * filter gradient, the rest the input gradient, each with the code, constants and workgroup
 * memory it was recorded with, renamed apart (arrays declared alike on both sides are shared: a
 * workgroup runs one side). The arithmetic is the same code, so the result is too. ResNet-56:
 * 52 of its 54 pairs (a stage's first unit, whose gradients tile differently, is left as it
 * is), 52 dispatches fewer.
 */
import { ImplicitGemmProgram } from '../ops/implicit-gemm';
import {
  boundBytes,
  pipelineFor,
  planDispatch,
  uniformBuffer,
  type PlanDispatch,
} from './plan-dispatch';
import { sumsFusion } from './fuse-sums';

/** One side of a pair: its program, its recorded custom uniforms, and the buffers it bound. */
export interface Side {
  program: ImplicitGemmProgram;
  uniforms: { type: string; data: number[] }[];
  /** Output, then inputs in the program's `variableNames` order. */
  buffers: GPUBuffer[];
}

/** `uniforms` field names of a tfjs program ('gO : i32, gT : i32,' → [gO, gT]). */
function uniformNames(program: ImplicitGemmProgram): string[] {
  return (program.uniforms ?? '')
    .split(',')
    .map((f) => f.split(':')[0]!.trim())
    .filter((f) => f);
}

/**
 * The uniform struct of a shader made from recorded programs: NAN (tfjs's first field), then
 * each program's own int32 fields, which must agree where two have one; and its data. Null where
 * they disagree or a field is not int32.
 */
export function uniformBlock(
  sides: Pick<Side, 'program' | 'uniforms'>[],
): { struct: string; data: Int32Array<ArrayBuffer> } | null {
  const fields = new Map<string, number>();
  for (const side of sides) {
    if (side.uniforms.some((u) => u.type !== 'int32')) return null;
    const values = side.uniforms.flatMap((u) => u.data);
    const fieldNames = uniformNames(side.program);
    if (values.length !== fieldNames.length) return null;
    for (const [k, name] of fieldNames.entries()) {
      if (fields.has(name) && fields.get(name) !== values[k]) return null;
      fields.set(name, values[k]!);
    }
  }
  const data = new Int32Array(new ArrayBuffer(Math.ceil((1 + fields.size) / 4) * 16));
  new Float32Array(data.buffer)[0] = NaN;
  data.set([...fields.values()], 1);
  const members = [...fields.keys()].map((n) => `${n} : i32,`).join(' ');
  return { struct: `struct Uniforms { NAN : f32, ${members} };`, data };
}

/** WGSL `source` with each name in `map` replaced (whole identifiers, not `.x` swizzles). */
function rename(source: string, map: Map<string, string>): string {
  if (map.size === 0) return source;
  const pattern = new RegExp(`(?<![.\\w])(${[...map.keys()].join('|')})\\b`, 'g');
  return source.replace(pattern, (name) => map.get(name)!);
}

/**
 * The program's WGSL with its top-level names prefixed, but for the workgroup arrays in
 * `shared` (declared alike on both sides: a workgroup runs one side, so they may share the
 * memory; `dropShared`: this side leaves their declarations to the other), and its bindings
 * renamed.
 */
function body(
  code: string,
  prefix: string,
  bindings: Map<string, string>,
  shared: Set<string>,
  dropShared: boolean,
): string {
  const map = new Map(bindings);
  for (const m of code.matchAll(/^\s*(?:const|fn|var<workgroup>)\s+(\w+)/gm)) {
    if (!shared.has(m[1]!)) map.set(m[1]!, `${prefix}${m[1]!}`);
  }
  let out = rename(code, map);
  if (dropShared) for (const name of shared) out = out.replace(declaration(name), '');
  return out;
}

const declaration = (name: string) => new RegExp(`var<workgroup>\\s+${name}\\s*:[^;]*;`);

const BYTES: Record<string, number> = { f32: 4, 'vec2<f32>': 8, 'vec4<f32>': 16 };

/** Workgroup arrays a program declares: name → [type text, bytes] (null if one is unknown). */
function workgroupArrays(code: string): Map<string, [string, number]> | null {
  const out = new Map<string, [string, number]>();
  for (const m of code.matchAll(/var<workgroup>\s+(\w+)\s*:\s*array<(.+?),\s*(\d+)>\s*;/g)) {
    const size = BYTES[m[2]!.replace(/\s/g, '')];
    if (size === undefined) return null;
    out.set(m[1]!, [`${m[2]}, ${m[3]}`, size * Number(m[3])]);
  }
  // Every workgroup variable must be one of those arrays, or the size is not known.
  return (code.match(/var<workgroup>/g)?.length ?? 0) === out.size ? out : null;
}

interface Joined {
  code: string;
  buffers: GPUBuffer[];
  uniformData: Int32Array<ArrayBuffer>;
  workgroups: number;
}

/**
 * The joint shader of filter gradient `f` and input gradient `i`, or null where they cannot
 * share one: different workgroup shapes, different BN layer, too many bindings, workgroups or
 * bytes of workgroup memory. `partials`: `i` also writes tile sums there (fuse-sums.ts).
 */
function join(f: Side, i: Side, limits: GPUSupportedLimits, partials?: GPUBuffer): Joined | null {
  const [fw, iw] = [f.program.workgroupSize, i.program.workgroupSize];
  if (fw.join() !== iw.join()) return null;
  // Workgroup memory: arrays declared alike are shared, and the rest must fit the device's limit.
  const [fCode, iCode] = [f.program.getUserCode(), i.program.getUserCode()];
  const [fArrays, iArrays] = [workgroupArrays(fCode), workgroupArrays(iCode)];
  if (!fArrays || !iArrays) return null;
  const shared = new Set(
    [...fArrays.keys()].filter((n) => iArrays.get(n)?.[0] === fArrays.get(n)![0]),
  );
  let bytes = 0;
  for (const [, [, b]] of [...fArrays, ...iArrays]) bytes += b;
  for (const name of shared) bytes -= fArrays.get(name)![1];
  if (bytes > limits.maxComputeWorkgroupStorageSize) return null;
  // Inputs bound once each, by buffer: a buffer both sides read gets one binding.
  const inputs: GPUBuffer[] = [];
  const names: string[] = [];
  const bindingsOf = (side: Side, output: string) => {
    const map = new Map<string, string>([['result', output]]);
    side.program.variableNames.forEach((name, k) => {
      const buffer = side.buffers[k + 1]!;
      let at = inputs.indexOf(buffer);
      if (at < 0) {
        at = inputs.push(buffer) - 1;
        names.push(`in${at}`);
      }
      map.set(name, names[at]!);
    });
    return map;
  };
  const fMap = bindingsOf(f, 'resultF');
  const iMap = bindingsOf(i, 'resultI');
  const outputs = partials ? 3 : 2;
  if (inputs.length + outputs > limits.maxStorageBuffersPerShaderStage) return null;
  const uniforms = uniformBlock([f, i]);
  if (!uniforms) return null;
  const [fd, id] = [f.program.dispatch, i.program.dispatch];
  const nF = fd[0] * fd[1] * fd[2];
  const workgroups = nF + id[0] * id[1] * id[2];
  if (workgroups > limits.maxComputeWorkgroupsPerDimension) return null;
  const decode = (w: string, d: number[]) =>
    `vec3<u32>(${w} % ${d[0]}u, (${w} / ${d[0]}u) % ${d[1]}u, ${w} / ${d[0]! * d[1]!}u)`;
  const code = `
${uniforms.struct}
@group(0) @binding(0) var<storage, read_write> resultF : array<f32>;
@group(0) @binding(1) var<storage, read_write> resultI : array<f32>;
${names.map((n, k) => `@group(0) @binding(${k + 2}) var<storage, read> ${n} : array<f32>;`).join('\n')}
${partials ? `@group(0) @binding(${names.length + 2}) var<storage, read_write> partials : array<f32>;` : ''}
@group(0) @binding(${names.length + outputs}) var<uniform> uniforms : Uniforms;
var<private> localIndex : u32;
var<private> workgroupId : vec3<u32>;
${body(fCode, 'F_', fMap, shared, false)}
${body(iCode, 'I_', iMap, shared, true)}
@compute @workgroup_size(${fw[0]}, ${fw[1]}, ${fw[2]})
fn _start(@builtin(local_invocation_index) li : u32, @builtin(workgroup_id) wid : vec3<u32>) {
  localIndex = li;
  // workgroup_id is uniform, so each side's barriers stay in uniform control flow.
  if (wid.x < ${nF}u) {
    workgroupId = ${decode('wid.x', fd)};
    F_main();
  } else {
    let w = wid.x - ${nF}u;
    workgroupId = ${decode('w', id)};
    I_main();
  }
}`;
  return {
    code,
    buffers: [f.buffers[0]!, i.buffers[0]!, ...inputs, ...(partials ? [partials] : [])],
    uniformData: uniforms.data,
    workgroups,
  };
}

/** The side a recorded dispatch is, if it is one of the two gradient programs. */
export function sideOf(d: PlanDispatch | undefined, key: string): Side | null {
  if (!d || !d.key.startsWith(key) || !(d.program instanceof ImplicitGemmProgram)) return null;
  return {
    program: d.program,
    uniforms: (d.uniforms ?? []) as Side['uniforms'],
    buffers: d.buffers,
  };
}

/**
 * The plan's dispatches with each unit's filter and input gradients (recorded back to back) in
 * one dispatch, a block's first BN sums taken from its second unit's pair where they can be
 * (fuse-sums.ts), and the buffers made for them (the plan owns and destroys them).
 */
export function fuseGradPairs(
  device: GPUDevice,
  dispatches: PlanDispatch[],
): { dispatches: PlanDispatch[]; owned: GPUBuffer[]; pairs: number; sums: number } {
  const fusions = dispatches.map((_, k) => {
    const f = sideOf(dispatches[k], 'scConvFilterGrad_');
    const i = sideOf(dispatches[k + 1], 'ScConvInputGrad_');
    return f && i ? sumsFusion(dispatches, k, f, i) : null;
  });
  // One partials buffer serves every layer: a layer's tiles are dead once its finalize has run,
  // and no other pair writes them in between (`pending`).
  const size = Math.max(0, ...fusions.map((s) => s?.partialBytes ?? 0));
  const partials = size ? device.createBuffer({ size, usage: GPUBufferUsage.STORAGE }) : null;
  const owned: GPUBuffer[] = partials ? [partials] : [];
  const finals = new Map<number, PlanDispatch>();
  const out: PlanDispatch[] = [];
  let [pairs, pending] = [0, -1];
  for (let k = 0; k < dispatches.length; k++) {
    const f = sideOf(dispatches[k], 'scConvFilterGrad_');
    const i = sideOf(dispatches[k + 1], 'ScConvInputGrad_');
    const fusion = partials && k > pending ? fusions[k] : null;
    let joined = f && fusion ? join(f, fusion.side, device.limits, partials!) : null;
    if (joined) {
      finals.set(fusion!.at, fusion!.finalize(device, partials!));
      pending = fusion!.at;
    } else joined = f && i ? join(f, i, device.limits) : null;
    if (!joined) {
      out.push(finals.get(k) ?? dispatches[k]!);
      continue;
    }
    const uniform = uniformBuffer(device, joined.uniformData);
    owned.push(uniform);
    const tiles = joined.buffers.at(-1) === partials ? fusion!.partialBytes : 0;
    out.push(
      planDispatch(device, {
        pipeline: pipelineFor(device, joined.code, '_start'),
        buffers: joined.buffers,
        uniform,
        workgroups: [joined.workgroups, 1, 1],
        key: 'ScConvGradPair',
        // dy, z and the BN sums, which both sides read, are bound (and counted) once; the shared
        // partials buffer is sized for the largest layer: count this layer's part.
        bytes: boundBytes(joined.buffers.filter((b) => b !== partials)) + tiles,
      }),
    );
    pairs++;
    k++; // the input gradient is done too
  }
  return { dispatches: out, owned, pairs, sums: finals.size };
}
