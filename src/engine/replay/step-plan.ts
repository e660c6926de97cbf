/**
 * A training step recorded once and replayed: the executor issue 12 asks for, built on the
 * programs tfjs already runs rather than beside them.
 *
 * Recording runs one real step with every dispatch's pipeline, buffers and uniforms written down
 * (`record`). The step's own buffers come from an arena (arena.ts), so that nothing outside the
 * plan can be handed one; the state it updates (weights, velocities, running statistics) is
 * written to new buffers by the step and copied back into the variables' own buffers at its end,
 * so the variables keep their identity and stay ordinary tfjs tensors for evaluation,
 * checkpoints and the other backends. A replay is then one compute pass on tfjs's command
 * encoder: set pipeline, set bind group, dispatch, for every recorded dispatch, then the copies,
 * then one submit. No program objects, shader keys, uniform buffers or bind groups are built per
 * step, and nothing is read back.
 *
 * What a replay cannot see is refused at recording time: a host upload or readback inside the
 * step (its values would be frozen), a buffer copy tfjs made on its own, or a tensor that
 * outlives the step. Per-step values enter only through tensors made before recording (the
 * trainer's slots: input batch, crop boxes, learning rate and momentum), and `valid()` checks
 * before each replay that every tensor the plan reads from outside is still the one it recorded.
 */
import * as tf from '@tensorflow/tfjs';
import { Arena, recordInto } from './arena';
import { fuseSgd } from './fuse-sgd';
import { encodeTimed, type DispatchTime } from './plan-timing';
import { boundBytes, type PlanDispatch } from './plan-dispatch';
import { bufferOf, flush, type ProgramLike, type WebGpuInternals } from './internals';

/** A tensor made before recording that the plan binds: it must still be there at each replay. */
interface Outside {
  dataId: object;
  buffer: GPUBuffer;
}

/** Where the step leaves its result (the loss; an evaluation's sums), and its shape. */
interface Result {
  buffer: GPUBuffer;
  shape: number[];
  dtype: tf.DataType;
}

interface StateCopy {
  from: GPUBuffer;
  to: GPUBuffer;
  size: number;
}

export class StepPlan {
  /** Buffers the plan made itself after recording (uniforms, the statistics' partial sums). */
  private owned: GPUBuffer[] = [];

  constructor(
    private readonly b: WebGpuInternals,
    private dispatches: PlanDispatch[],
    private readonly arena: Arena,
    private readonly result: Result,
    private copies: StateCopy[],
    private readonly outside: Outside[],
    /** Variables the plan reads, with the data each must still hold. */
    private readonly variables: [tf.Variable, object][],
    /** Of those, the ones it updates in place: nobody else may share their buffers. */
    private readonly updated: tf.Variable[],
  ) {}

  /** Dispatches per replay (the same as the recorded step's). */
  get dispatchCount(): number {
    return this.dispatches.length;
  }

  /** Of those, the in-place SGD updates' (fuse-sgd.ts). */
  get sgdDispatches(): number {
    return this.dispatches.filter((d) => d.key.startsWith('ScSgdInPlace')).length;
  }

  /**
   * Bytes a replay moves, counted from the plan itself: what each dispatch binds for reading and
   * writing (`PlanDispatch.bytes`), plus the state copies and the loss copy (each read and
   * written). The batch's copy into its slots, before the plan, is not counted.
   */
  get traffic(): { bytes: number; kinds: Map<string, { dispatches: number; bytes: number }> } {
    const kinds = new Map<string, { dispatches: number; bytes: number }>();
    let bytes = 0;
    for (const d of this.dispatches) {
      const kind = d.key.split('_')[0]!;
      const row = kinds.get(kind) ?? { dispatches: 0, bytes: 0 };
      row.dispatches += 1;
      row.bytes += d.bytes;
      kinds.set(kind, row);
      bytes += d.bytes;
    }
    for (const c of this.copies) bytes += 2 * c.size;
    return { bytes: bytes + 2 * 4 * sizeOf(this.result.shape), kinds };
  }

  /** Bytes of GPU memory the plan holds for the step's own tensors and uniforms. */
  get bytes(): number {
    return this.arena.bytes;
  }

  /** Whether every variable and outside tensor the plan binds is still the recorded one. */
  valid(): boolean {
    if (tf.backend() !== (this.b as unknown)) return false;
    for (const [v, dataId] of this.variables) if (v.isDisposed || v.dataId !== dataId) return false;
    // A clone of a weight (a snapshot) shares its buffer: an in-place update would change it.
    for (const v of this.updated) if (this.b.refCount(v.dataId) !== 1) return false;
    for (const o of this.outside)
      if (this.b.tensorMap.get(o.dataId)?.resource !== o.buffer) return false;
    return true;
  }

  /**
   * One step. `prepare` encodes what must come before it (copying the batch into its slots);
   * the returned loss is a fresh tensor the caller disposes.
   */
  run(prepare: (encoder: GPUCommandEncoder) => void): tf.Tensor {
    const encoder = openEncoder(this.b);
    prepare(encoder);
    const pass = encoder.beginComputePass();
    for (const d of this.dispatches) {
      pass.setPipeline(d.pipeline);
      pass.setBindGroup(0, d.bindGroup);
      pass.dispatchWorkgroups(...d.workgroups);
    }
    pass.end();
    return this.finish(encoder);
  }

  /** The state copies and a copy of the result, then one submit. */
  finish(encoder: GPUCommandEncoder): tf.Tensor {
    for (const c of this.copies) encoder.copyBufferToBuffer(c.from, 0, c.to, 0, c.size);
    const out = resultTensor(this.b, encoder, this.result);
    this.b.submitQueue();
    return out;
  }

  /**
   * Replaces tfjs's two-program SGD by in-place dispatches, one per parameter or per two
   * (fuse-sgd.ts): after the recorded run's own copies, for every replay. Returns how many
   * updates it fused.
   */
  fuseSgd(): number {
    const { dispatches, unwritten, updates } = fuseSgd(this.b.device, this.dispatches);
    this.dispatches = dispatches;
    this.copies = this.copies.filter((c) => !unwritten.has(c.from));
    return updates;
  }

  /**
   * Rewrites the dispatches by one of the passes that fuse kernels after recording
   * (fuse-grads.ts, fuse-apply.ts, fuse-stats.ts); the plan owns the buffers it made for them.
   */
  rewrite<R extends { dispatches: PlanDispatch[]; owned: GPUBuffer[] }>(
    pass: (device: GPUDevice, dispatches: PlanDispatch[]) => R,
  ): R {
    const r = pass(this.b.device, this.dispatches);
    this.dispatches = r.dispatches;
    this.owned.push(...r.owned);
    return r;
  }

  /**
   * One step as `run`, but each dispatch in a compute pass of its own with timestamp queries
   * (plan-timing.ts); `done` gets each dispatch's kind and GPU milliseconds once it has run.
   */
  runTimed(prepare: (encoder: GPUCommandEncoder) => void, done: (t: DispatchTime[]) => void) {
    const encoder = openEncoder(this.b);
    prepare(encoder);
    const read = encodeTimed(this.b.device, encoder, this.dispatches);
    const loss = this.finish(encoder);
    void read().then(done);
    return loss;
  }

  dispose(): void {
    this.arena.destroy();
    for (const buffer of this.owned) buffer.destroy();
    this.owned = [];
  }
}

/** tfjs's command encoder with no pass open, so that our commands follow everything it has. */
export function openEncoder(b: WebGpuInternals): GPUCommandEncoder {
  b.ensureCommandEncoderReady();
  b.endComputePassEncoder();
  return b.commandEncoder!;
}

const sizeOf = (shape: number[]) => shape.reduce((a, b) => a * b, 1);

/** A new tensor holding a copy of the result (the next replay overwrites the plan's buffer). */
function resultTensor(b: WebGpuInternals, encoder: GPUCommandEncoder, r: Result) {
  const info = b.makeTensorInfo(r.shape, r.dtype);
  encoder.copyBufferToBuffer(r.buffer, 0, bufferOf(b, info), 0, 4 * sizeOf(r.shape));
  return tf.engine().makeTensorFromTensorInfo(info);
}

export type Recorded =
  { plan: StepPlan; loss: tf.Tensor } | { plan: null; loss: tf.Tensor; reason: string };

/**
 * Runs `step` once for real while recording it. Always returns the step's loss; returns a plan
 * too unless the step did something a replay could not repeat (then `reason` says what, and the
 * caller keeps stepping through tfjs).
 */
export function record(b: WebGpuInternals, step: () => tf.Tensor): Recorded {
  const variables = Object.values(tf.engine().registeredVariables);
  for (const v of variables) detach(b, v);
  flush(b);
  const arena = new Arena(b.device);
  const before = new Map(variables.map((v) => [v, v.dataId]));
  const tensorsBefore = tf.memory().numTensors;
  // Holding each variable's value keeps its buffer out of the arena's and tfjs's pools while
  // the step assigns new values: the plan reads the old buffers and copies into them at the end.
  const held = variables.map((v) => tf.clone(v));
  const dispatches: PlanDispatch[] = [];
  const outside = new Map<GPUBuffer, Outside>();
  const refusals: string[] = [];

  const restore = patch(b, {
    recordAndSubmit(original, program, output, inputs, uniforms) {
      let uniform: GPUBufferBinding | undefined;
      const restoreUniforms = patchUniforms(b, (u) => (uniform = u));
      try {
        original(program, output, inputs, uniforms);
      } finally {
        restoreUniforms();
      }
      const tensors = [output, ...inputs];
      const buffers = tensors.map((t) => bufferOf(b, t));
      buffers.forEach((buffer, i) => {
        if (!arena.owns(buffer)) outside.set(buffer, { dataId: tensors[i]!.dataId, buffer });
      });
      const entries: GPUBindGroupEntry[] = buffers.map((buffer, binding) => ({
        binding,
        resource: { buffer },
      }));
      if (!uniform) refusals.push(`${program.shaderKey}: no uniforms`);
      else entries.push({ binding: entries.length, resource: uniform });
      const p = program as ProgramLike;
      dispatches.push({
        pipeline: p.pipeline,
        bindGroup: b.device.createBindGroup({ layout: p.pipeline.getBindGroupLayout(0), entries }),
        workgroups: [p.dispatch[0], p.dispatch[1] ?? 1, p.dispatch[2] ?? 1],
        key: p.shaderKey,
        buffers,
        bytes: boundBytes(buffers),
        program,
        uniforms,
      });
    },
    uploadToGPU(original, dataId) {
      const data = b.tensorMap.get(dataId);
      if (data && data.resource == null && data.values != null) refusals.push('a host upload');
      original(dataId);
    },
    read: (original, dataId) => (refusals.push('a readback'), original(dataId)),
    readSync: (original, dataId) => (refusals.push('a readback'), original(dataId)),
    copyBuffer: (original, buffer) => (refusals.push('a buffer copy'), original(buffer)),
  });
  let loss: tf.Tensor;
  // tfjs puts off freeing a buffer that a pending dispatch uses until its next submit. Commands
  // on one queue run in order, so a buffer freed after its last reader is safe to hand to a
  // later dispatch at once (an arena buffer is never mapped or written from the host): the plan
  // then holds the step's true liveness, not up to a submit batch's worth of extra buffers.
  // (An accessor, because each submit inside the step assigns tfjs a new set.)
  const none = { add() {}, has: () => false };
  Object.defineProperty(b, 'commandQueueOwnedIds', {
    get: () => none,
    set: () => {},
    configurable: true,
  });
  try {
    loss = recordInto(b.bufferManager, arena, step);
  } catch (e) {
    // The step failed: its error is the caller's; the variables stay as the step left them.
    tf.dispose(held);
    arena.close();
    throw e;
  } finally {
    flush(b); // after it, nothing tfjs recorded is pending: a fresh set is right
    delete (b as { commandQueueOwnedIds?: unknown }).commandQueueOwnedIds;
    b.commandQueueOwnedIds = new WeakSet();
    restore();
  }
  arena.close();

  // Point every variable back at its own buffer; the plan copies the new values there.
  const copies: StateCopy[] = [];
  const boundVariables: [tf.Variable, object][] = [];
  const updated: tf.Variable[] = [];
  variables.forEach((v, i) => {
    const original = before.get(v)!;
    const ownBuffer = b.tensorMap.get(original)?.resource;
    if (v.dataId !== original) {
      const from = bufferOf(b, v);
      if (!arena.owns(from)) refusals.push(`${v.name} was assigned a tensor from outside the step`);
      if (ownBuffer instanceof GPUBuffer) copies.push({ from, to: ownBuffer, size: v.size * 4 });
      else refusals.push(`${v.name} has no buffer of its own`);
      v.assign(held[i]!);
      boundVariables.push([v, original]);
      updated.push(v);
    } else if (ownBuffer instanceof GPUBuffer && outside.has(ownBuffer)) {
      boundVariables.push([v, original]);
    }
  });
  tf.dispose(held);
  const result = { buffer: bufferOf(b, loss), shape: loss.shape, dtype: loss.dtype };
  const plan = new StepPlan(
    b,
    dispatches,
    arena,
    result,
    copies,
    [...outside.values()],
    boundVariables,
    updated,
  );
  // The step's effect on the state, for this first (recorded) run too.
  const out = plan.finish(openEncoder(b));
  loss.dispose();
  const escaped = tf.memory().numTensors - tensorsBefore - 1;
  if (escaped !== 0) refusals.push(`${escaped} tensors made in the step outlive it`);
  if (refusals.length === 0) return { plan, loss: out };
  // Not replayable. Buffers a surviving tensor still holds stay allocated (they are never
  // handed to anyone else); the rest go.
  if (escaped === 0) plan.dispose();
  return { plan: null, loss: out, reason: [...new Set(refusals)].join('; ') };
}

/**
 * Gives `v` a GPU buffer of its own: a copy, when clones of it (snapshots of the weights) share
 * its buffer, since the plan will update that buffer in place.
 */
function detach(b: WebGpuInternals, v: tf.Variable): void {
  const from = bufferOf(b, v);
  if (b.refCount(v.dataId) <= 1) return;
  const info = b.makeTensorInfo(v.shape, v.dtype);
  openEncoder(b).copyBufferToBuffer(from, 0, bufferOf(b, info), 0, v.size * 4);
  const own = tf.engine().makeTensorFromTensorInfo(info);
  v.assign(own);
  own.dispose();
}

/** Calls `seen` with each uniform binding tfjs makes until the returned function is called. */
function patchUniforms(b: WebGpuInternals, seen: (u: GPUBufferBinding) => void): () => void {
  const target = b as unknown as { makeUniforms?: unknown };
  const own = Object.prototype.hasOwnProperty.call(target, 'makeUniforms');
  const original = b.makeUniforms;
  b.makeUniforms = (u) => {
    const binding = original.call(b, u);
    seen(binding);
    return binding;
  };
  return () => {
    if (own) b.makeUniforms = original;
    else delete target.makeUniforms;
  };
}

type Hooks = {
  recordAndSubmit(
    original: WebGpuInternals['recordAndSubmit'],
    ...args: Parameters<WebGpuInternals['recordAndSubmit']>
  ): void;
  uploadToGPU(original: (dataId: object) => void, dataId: object): void;
  read(original: (dataId: object) => unknown, dataId: object): unknown;
  readSync(original: (dataId: object) => unknown, dataId: object): unknown;
  copyBuffer(original: (buffer: GPUBuffer) => unknown, buffer: GPUBuffer): unknown;
};

/** Wraps the backend's methods named in `hooks` until the returned function is called. */
function patch(b: WebGpuInternals, hooks: Hooks): () => void {
  const target = b as unknown as Record<string, unknown>;
  const saved = new Map<string, unknown>();
  for (const [name, hook] of Object.entries(hooks) as [string, (...a: unknown[]) => unknown][]) {
    const original = target[name] as ((...a: unknown[]) => unknown) | undefined;
    if (typeof original !== 'function') continue;
    saved.set(name, Object.prototype.hasOwnProperty.call(target, name) ? original : undefined);
    const bound = original.bind(b);
    target[name] = (...args: unknown[]) => hook(bound, ...args);
  }
  return () => {
    for (const [name, own] of saved) {
      if (own === undefined) delete target[name];
      else target[name] = own;
    }
  };
}
