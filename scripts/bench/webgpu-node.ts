// Gives Node a real WebGPU (Dawn through the `webgpu` package) and makes tfjs train on it.
import * as tf from '@tensorflow/tfjs';
import { create, globals } from 'webgpu';
import { loadWebGpuBackend } from '../../src/engine/webgpu-backend';

/** Installs navigator.gpu, selects tfjs's webgpu backend, and returns the adapter's description. */
export async function useNodeWebGpu(): Promise<string> {
  Object.assign(globalThis, globals);
  const gpu = create([]);
  // navigator is a read-only getter on Node ≥ 21, so define the property rather than assign it.
  Object.defineProperty(globalThis, 'navigator', {
    value: { gpu, userAgent: 'node' },
    configurable: true,
    writable: true,
  });
  const adapter = await gpu.requestAdapter();
  if (adapter == null)
    throw new Error('WebGPU: requestAdapter() returned null (no Vulkan driver?)');
  const { vendor, architecture, device, description } = adapter.info;
  // Imported late: the backend reads navigator.gpu when it registers.
  await loadWebGpuBackend();
  if (!(await tf.setBackend('webgpu'))) throw new Error('tfjs: webgpu backend failed to start');
  await tf.ready();
  return [vendor, architecture, device, description].filter((s) => s).join(' / ');
}
