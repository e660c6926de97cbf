/**
 * Test helper: gives Node a real WebGPU (Dawn via the `webgpu` package; SwiftShader on machines
 * without a GPU) and makes tfjs use it. Needs LD_LIBRARY_PATH / VK_ICD_FILENAMES as set by
 * `npm run test:unit`.
 */
import * as tf from '@tensorflow/tfjs';
import { loadWebGpuBackend } from '../webgpu-backend';

export async function useNodeWebGpu(): Promise<void> {
  const { create, globals } = await import('webgpu');
  Object.assign(globalThis, globals);
  Object.defineProperty(globalThis, 'navigator', {
    value: { gpu: create([]), userAgent: 'node' },
    configurable: true,
  });
  await loadWebGpuBackend();
  if (!(await tf.setBackend('webgpu'))) throw new Error('tfjs could not start the webgpu backend');
  await tf.ready();
}
