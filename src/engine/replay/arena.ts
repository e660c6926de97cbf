/**
 * The buffers of one recorded step. While a step is being recorded, every storage and uniform
 * buffer tfjs asks its buffer manager for comes from the arena instead, and every storage buffer
 * the step frees goes back to the arena's free list: the step's own liveness decides the reuse,
 * exactly as tfjs's pool would have. Once recording ends the arena is closed: its buffers are
 * the plan's, bound into its bind groups, and nothing else may ever be handed one.
 *
 * Uniform buffers are never reused: each dispatch keeps the one holding its shapes, so its bind
 * group stays valid for every replay.
 */
import type { BufferManagerLike } from './internals';

/** Which arena handed out each buffer, for every arena ever made. */
const owner = new WeakMap<GPUBuffer, Arena>();
const hooked = new WeakSet<BufferManagerLike>();
let recording: Arena | null = null;

const HOST_VISIBLE = () => GPUBufferUsage.MAP_READ | GPUBufferUsage.MAP_WRITE;

export class Arena {
  private readonly free = new Map<string, GPUBuffer[]>();
  private readonly buffers: GPUBuffer[] = [];
  private open = true;
  /** Bytes of every buffer this arena created (the recorded step's working set). */
  bytes = 0;

  constructor(private readonly device: GPUDevice) {}

  owns(buffer: GPUBuffer): boolean {
    return owner.get(buffer) === this;
  }

  acquire(size: number, usage: number, mapped: boolean): GPUBuffer {
    const key = `${size}_${usage}`;
    const reusable = !mapped && (usage & GPUBufferUsage.UNIFORM) === 0;
    const reused = reusable ? this.free.get(key)?.pop() : undefined;
    if (reused) return reused;
    const buffer = this.device.createBuffer({ size, usage, mappedAtCreation: mapped });
    owner.set(buffer, this);
    this.buffers.push(buffer);
    this.bytes += size;
    return buffer;
  }

  release(buffer: GPUBuffer): void {
    if (!this.open || (buffer.usage & GPUBufferUsage.UNIFORM) !== 0) return;
    const key = `${buffer.size}_${buffer.usage}`;
    const list = this.free.get(key) ?? [];
    list.push(buffer);
    this.free.set(key, list);
  }

  /** Ends recording: from now on the arena's buffers belong to its plan only. */
  close(): void {
    this.open = false;
    this.free.clear();
  }

  destroy(): void {
    this.close();
    for (const b of this.buffers) b.destroy();
    this.buffers.length = 0;
    this.bytes = 0;
  }
}

/**
 * Routes `manager`'s storage and uniform buffers to `arena` while `f` runs. The hook stays on
 * the manager afterwards for releases only: a tensor still holding an arena buffer when it is
 * disposed must not put that buffer in tfjs's pool.
 */
export function recordInto<T>(manager: BufferManagerLike, arena: Arena, f: () => T): T {
  hook(manager);
  recording = arena;
  try {
    return f();
  } finally {
    recording = null;
  }
}

function hook(m: BufferManagerLike): void {
  if (hooked.has(m)) return;
  hooked.add(m);
  const acquire = m.acquireBuffer.bind(m);
  const release = m.releaseBuffer.bind(m);
  m.acquireBuffer = (size, usage, mapped = false, reuse = true) => {
    const wanted = (usage & (GPUBufferUsage.STORAGE | GPUBufferUsage.UNIFORM)) !== 0;
    if (recording && wanted && (usage & HOST_VISIBLE()) === 0)
      return recording.acquire(size, usage, mapped);
    return acquire(size, usage, mapped, reuse);
  };
  m.releaseBuffer = (buffer, reuse = true) => {
    const arena = owner.get(buffer);
    if (arena) arena.release(buffer);
    else release(buffer, reuse);
  };
}
