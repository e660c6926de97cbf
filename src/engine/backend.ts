/**
 * Backend choice: WebGPU, then WebGL, then the plain-JS CPU backend, saying why at each fallback.
 * tfjs-backend-webgpu ignores `device.lost`, so we watch it and tell subscribers.
 */
import * as tf from '@tensorflow/tfjs';
import type { WebGPUBackend } from '@tensorflow/tfjs-backend-webgpu';
import type { BackendChoice, BackendName } from '../core/config';
import { loadWebGpuBackend } from './webgpu-backend';

export interface BackendSelection {
  backend: BackendName;
  /** Why the requested (or preferred) backend was not used. */
  fallbackReason?: string;
  /** e.g. the WebGPU adapter's vendor and architecture. */
  detail?: string;
}

export interface DeviceLostInfo {
  reason: string;
  message: string;
}

const lostListeners = new Set<(info: DeviceLostInfo) => void>();

const errorListeners = new Set<(message: string, outOfMemory: boolean) => void>();
/** Devices whose 'lost' and error events already reach the listeners above. */
const watched = new WeakSet<GPUDevice>();

/** Calls `cb` on an uncaptured WebGPU error (an allocation that ran out of memory, say). */
export function onGpuError(cb: (message: string, outOfMemory: boolean) => void): () => void {
  errorListeners.add(cb);
  return () => errorListeners.delete(cb);
}

/** Backends that broke in this worker (a lost WebGPU device): never chosen again here. */
const broken = new Set<BackendName>();

/** Marks `name` unusable in this worker: tfjs would hand back its dead instance. */
export function markBroken(name: BackendName): void {
  broken.add(name);
}

/** The WebGPU device in use, if the active backend is WebGPU (for the lost-device test hook). */
export function currentGpuDevice(): GPUDevice | null {
  return tf.getBackend() === 'webgpu' ? (tf.backend() as unknown as WebGPUBackend).device : null;
}

/**
 * Whether the WebGPU device in use is lost within `ms`: a destroyed device often shows first as a
 * failed readback, and its 'lost' promise settles a moment later.
 */
export async function gpuLostWithin(ms: number): Promise<boolean> {
  const device = currentGpuDevice();
  if (!device) return false;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const late = new Promise<false>((resolve) => (timer = setTimeout(() => resolve(false), ms)));
  const lost = await Promise.race([device.lost.then(() => true as const), late]);
  clearTimeout(timer);
  return lost;
}

/** Calls `cb` if the WebGPU device is lost (driver reset, GPU process crash). Returns an unsubscribe. */
export function onDeviceLost(cb: (info: DeviceLostInfo) => void): () => void {
  lostListeners.add(cb);
  return () => lostListeners.delete(cb);
}

type Attempt = { ok: true; detail?: string } | { ok: false; reason: string };

function messageOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

function describeAdapter(adapter: GPUAdapter): string | undefined {
  const info = (adapter as GPUAdapter & { info?: GPUAdapterInfo }).info;
  if (!info) return undefined;
  const parts = [info.vendor, info.architecture, info.description].filter((s) => s);
  const software = info.architecture === 'swiftshader' ? ' (software rendering, slow)' : '';
  return parts.length ? `${parts.join(' ')}${software}` : undefined;
}

async function tryWebGpu(): Promise<Attempt> {
  const nav = (globalThis as { navigator?: { gpu?: GPU } }).navigator;
  if (!nav?.gpu) return { ok: false, reason: 'WebGPU is not available here (no navigator.gpu)' };
  let adapter: GPUAdapter | null;
  try {
    adapter = await nav.gpu.requestAdapter({ powerPreference: 'high-performance' });
  } catch (err) {
    return { ok: false, reason: `WebGPU adapter request failed: ${messageOf(err)}` };
  }
  if (!adapter) return { ok: false, reason: 'No WebGPU adapter (GPU blocklisted or disabled)' };
  try {
    await loadWebGpuBackend();
    if (!(await tf.setBackend('webgpu'))) {
      return { ok: false, reason: 'tfjs could not initialise its WebGPU backend' };
    }
    await tf.ready();
  } catch (err) {
    return { ok: false, reason: `WebGPU backend failed: ${messageOf(err)}` };
  }
  const device = (tf.backend() as unknown as WebGPUBackend).device;
  const detail = describeAdapter(adapter);
  // Selecting again (another backend choice, the speed probe) returns the same device: one
  // subscription per device, or a lost device would be reported, and carried on, twice.
  if (watched.has(device)) return detail ? { ok: true, detail } : { ok: true };
  watched.add(device);
  void device.lost.then((info) => {
    for (const cb of lostListeners) cb({ reason: info.reason, message: info.message });
  });
  device.addEventListener('uncapturederror', (ev) => {
    const error = (ev as GPUUncapturedErrorEvent).error;
    const oom = typeof GPUOutOfMemoryError !== 'undefined' && error instanceof GPUOutOfMemoryError;
    for (const cb of errorListeners) cb(error.message, oom);
  });
  return detail ? { ok: true, detail } : { ok: true };
}

async function trySimple(name: 'webgl' | 'cpu'): Promise<Attempt> {
  try {
    if (!(await tf.setBackend(name))) return { ok: false, reason: `tfjs could not start ${name}` };
    await tf.ready();
    return { ok: true };
  } catch (err) {
    return { ok: false, reason: `${name} failed: ${messageOf(err)}` };
  }
}

const ORDER: BackendName[] = ['webgpu', 'webgl', 'cpu'];

/** Starts the requested backend, or the next one in webgpu → webgl → cpu order. */
export async function selectBackend(choice: BackendChoice): Promise<BackendSelection> {
  const start = choice === 'auto' ? 0 : ORDER.indexOf(choice);
  const reasons: string[] = [];
  for (const name of ORDER.slice(start)) {
    if (broken.has(name)) {
      reasons.push(`${name} stopped working earlier in this session`);
      continue;
    }
    const attempt = name === 'webgpu' ? await tryWebGpu() : await trySimple(name);
    if (attempt.ok) {
      const out: BackendSelection = { backend: name };
      if (reasons.length) out.fallbackReason = reasons.join('; ');
      if (attempt.detail) out.detail = attempt.detail;
      return out;
    }
    reasons.push(attempt.reason);
  }
  throw new Error(`No tfjs backend could start: ${reasons.join('; ')}`);
}
