/**
 * tfjs's WebGPU backend on a device the lab requests itself. tfjs-backend-webgpu registers a
 * factory that raises the limits its own kernels need (workgroup memory, buffer sizes) but
 * leaves the storage buffers per shader stage at WebGPU's default of 8. The replayed step's
 * joined gradients with a BN layer's sums in their epilogue bind 10 (replay/fuse-sums.ts), and
 * most adapters offer more than 8 (Dawn on SwiftShader 12; desktop GPUs more), so the lab
 * registers a factory that asks for the adapter's own figure too. Where the adapter offers only
 * 8, the plan leaves that fusion out: the device is never asked for more than the adapter has.
 */
import * as tf from '@tensorflow/tfjs';

/** Limits requested at the adapter's figure (tfjs's list, plus the storage buffers). */
const RAISED: (keyof GPUSupportedLimits)[] = [
  'maxComputeWorkgroupStorageSize',
  'maxComputeWorkgroupsPerDimension',
  'maxStorageBufferBindingSize',
  'maxBufferSize',
  'maxComputeWorkgroupSizeX',
  'maxComputeInvocationsPerWorkgroup',
  'maxStorageBuffersPerShaderStage',
];

/** Optional features tfjs uses where the adapter has them (timestamps for tf.profile). */
const FEATURES: GPUFeatureName[] = ['timestamp-query'];

let registered = false;

/**
 * Loads tfjs-backend-webgpu and registers the lab's factory for 'webgpu' in place of tfjs's.
 * Call before the backend is first selected; once it has started, the device in use stays.
 */
export async function loadWebGpuBackend(): Promise<void> {
  const { WebGPUBackend } = await import('@tensorflow/tfjs-backend-webgpu');
  if (registered || tf.findBackend('webgpu') || !tf.findBackendFactory('webgpu')) return;
  registered = true;
  const priority = tf.engine().registryFactory['webgpu']?.priority ?? 3;
  tf.removeBackend('webgpu');
  tf.registerBackend(
    'webgpu',
    async () => {
      const powerPreference = tf.env().getBool('WEBGPU_USE_LOW_POWER_GPU')
        ? 'low-power'
        : 'high-performance';
      const adapter = await navigator.gpu.requestAdapter({ powerPreference });
      if (!adapter) throw new Error('WebGPU: no adapter');
      const requiredLimits: Record<string, number> = {};
      for (const name of RAISED) requiredLimits[name] = adapter.limits[name] as number;
      const requiredFeatures = FEATURES.filter((f) => adapter.features.has(f));
      const device = await adapter.requestDevice({ requiredLimits, requiredFeatures });
      return new WebGPUBackend(device, adapter.info);
    },
    priority,
  );
}
