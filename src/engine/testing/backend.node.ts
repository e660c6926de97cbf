/** Test helper: switches tfjs to the named backend ('webgpu' runs through Dawn in Node). */
import * as tf from '@tensorflow/tfjs';
import { useNodeWebGpu } from './webgpu.node.js';

export type TestBackend = 'cpu' | 'webgpu';

export async function useBackend(name: TestBackend): Promise<void> {
  if (name === 'webgpu') await useNodeWebGpu();
  else if (!(await tf.setBackend('cpu'))) throw new Error('cpu backend failed');
  await tf.ready();
}
