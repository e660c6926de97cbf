/**
 * The tiled filter gradient of conv-filter-grad.ts in place of tfjs's webgpu
 * `Conv2DBackpropFilter`, for every caller (tfjs-layers included): the benchmarks compare a
 * tfjs-layers build with and without it. It wraps tfjs's kernel rather than going through
 * ops/kernels.ts's `runProgram`, because it must fall back to that kernel for cases it does not
 * handle and runs two programs (partial sums, then their sum) as one kernel.
 */
import * as tf from '@tensorflow/tfjs';
import type { WebGPUBackend } from '@tensorflow/tfjs-backend-webgpu';
import { convGeometry, planFilterGrad, runFilterGrad } from './conv-filter-grad';

type KernelConfig = NonNullable<ReturnType<typeof tf.getKernel>>;
let tfjsKernel: KernelConfig | undefined;

/** Which implementation webgpu's `Conv2DBackpropFilter` kernel runs now. */
export function conv2DBackpropFilterKernel(): 'tiled' | 'tfjs' {
  return tfjsKernel ? 'tiled' : 'tfjs';
}

/**
 * Replaces (or restores) tfjs's webgpu `Conv2DBackpropFilter` for every caller, tfjs-layers
 * included. Unsupported cases (NCHW, dilation ≠ 1, asymmetric explicit pads) keep tfjs's kernel.
 */
export function setConv2DBackpropFilterKernel(impl: 'tiled' | 'tfjs'): void {
  if (impl === conv2DBackpropFilterKernel()) return;
  if (impl === 'tfjs') {
    tf.unregisterKernel('Conv2DBackpropFilter', 'webgpu');
    tf.registerKernel(tfjsKernel!);
    tfjsKernel = undefined;
    return;
  }
  const original = tf.getKernel('Conv2DBackpropFilter', 'webgpu');
  if (!original) throw new Error('no webgpu Conv2DBackpropFilter kernel to replace');
  tfjsKernel = original;
  tf.unregisterKernel('Conv2DBackpropFilter', 'webgpu');
  tf.registerKernel({
    ...original,
    kernelFunc: (args) => {
      const { x, dy } = args.inputs as { x: tf.TensorInfo; dy: tf.TensorInfo };
      const a = args.attrs as unknown as {
        strides: number | [number, number];
        pad: 'same' | 'valid' | number | 'explicit' | number[][];
        dataFormat?: string;
        dimRoundingMode?: string;
        filterShape: [number, number, number, number];
      };
      const pad = simplePad(a.pad, a.dimRoundingMode);
      if (pad == null || (a.dataFormat ?? 'NHWC') !== 'NHWC' || x.dtype !== 'float32')
        return original.kernelFunc(args);
      const g = convGeometry(x.shape, a.filterShape, a.strides, pad);
      const wantDy = [g.batch, g.outHeight, g.outWidth, g.outChannels].join();
      if (dy.shape.join() !== wantDy) return original.kernelFunc(args);
      const backend = args.backend as unknown as WebGPUBackend;
      return runFilterGrad(backend, [x, dy], g, planFilterGrad(g));
    },
  });
}

/** 'same', 'valid' or a symmetric number pad as [top, left]; null for anything else. */
function simplePad(
  pad: 'same' | 'valid' | number | 'explicit' | number[][],
  rounding: string | undefined,
): 'same' | 'valid' | [number, number] | null {
  if (pad === 'same' || pad === 'valid') return pad;
  if (typeof pad === 'number' && rounding == null) return [pad, pad];
  return null;
}
