/**
 * The input gradient of a 2-D convolution (NHWC, float32) whose output fed a BN(+ReLU) layer,
 * with that layer's backward applied as the kernel loads the gradient (bn-backward-load.ts):
 *   dx[n, iy, ix, ci] = Σ_{kh, kw, co} dz_pre[n, oy, ox, co] · W[kh, kw, ci, co],
 *   oy = (iy + padTop − kh) / sh,  ox = (ix + padLeft − kw) / sw   (only where both divide).
 * On webgpu it is one implicit GEMM (implicit-gemm.ts): rows are input pixels, m = (kh, kw, co),
 * B[m, ci] = W[kh, kw, ci, co]. It replaces tfjs's naive Conv2DBackpropInput (one thread per
 * input element looping over every tap) as well as the BN-backward kernel before it; for a
 * block's first unit its epilogue also adds the shortcut's gradient and applies the ReLU mask
 * of the block's input (`residual`), replacing the residual-gradient kernel. Elsewhere dz_pre
 * is materialised with `bnDx`, tfjs's Conv2DBackpropInput runs on it, and then `blockInputGrad`.
 */
import * as tf from '@tensorflow/tfjs';
import type { WebGPUBackend } from '@tensorflow/tfjs-backend-webgpu';
import {
  BN_BACKWARD_UNIFORMS,
  BN_BACKWARD_VARIABLES,
  bnBackwardWgsl,
  bnBackwardInputs,
  bnBackwardUniforms,
  halfZ,
  materialise,
  perChannel,
  type BnBackward,
} from './bn-backward-load';
import { convGeometry, GEOMETRY_KEYS, type ConvGeometry } from './conv-geometry';
import { ImplicitGemmProgram } from './implicit-gemm';
import { chooseImpl, registerWebGpuKernel, type ImplOption } from './kernels';
import { blockGradWgsl, blockInputGrad, type BlockGradArgs } from './shortcut';

const KERNEL = 'ScConvInputGrad';

interface Attrs extends ConvGeometry {
  /** The BN layer's slot offset and T; values per channel; mask from γ, β (1) or none (0). */
  bnOffset: number;
  bnTotal: number;
  bnCount: number;
  maskFromParams: number;
  /** 1 where the layer's z is stored as f16 pairs (half-act.ts). */
  halfZ: number;
  /** With a residual epilogue: the shortcut's stride and pad, and dSum's [h, w, c] (else 0). */
  resStride: number;
  resPad: number;
  resShape: number[];
}

/** The block-input gradient's other terms (shortcut.ts's `blockInputGrad`, without `g`). */
export type ResidualGrad = Omit<BlockGradArgs, 'g'>;

function program(a: Attrs): ImplicitGemmProgram {
  const { inChannels: ci, outChannels: co, filterWidth: kw } = a;
  const k = a.batch * a.inHeight * a.inWidth;
  const m = a.filterHeight * kw * co;
  // Divisibility by the stride only needs testing when it is not 1.
  const divides = (v: string, s: number) => (s === 1 ? 'true' : `${v} % ${s} == 0`);
  const prologue = bnBackwardWgsl(co, a.bnCount, a.maskFromParams === 1, a.halfZ === 1);
  const residual = a.resStride > 0;
  const shortcut = { stride: a.resStride, pad: a.resPad };
  const res = residual ? `_${a.resStride}_${a.resPad}_${a.resShape.join('_')}` : '';
  return new ImplicitGemmProgram({
    shaderKey: `${KERNEL}_${GEOMETRY_KEYS.map((name) => a[name]).join('_')}_${a.bnCount}_${a.maskFromParams}${res}${a.halfZ ? '_half' : ''}`,
    variableNames: ['W', ...BN_BACKWARD_VARIABLES, ...(residual ? ['DZ', 'Y'] : [])],
    uniforms: BN_BACKWARD_UNIFORMS,
    outputShape: [a.batch, a.inHeight, a.inWidth, ci],
    K: k,
    N: ci,
    M: m,
    helpers: prologue.helpers,
    setup: prologue.setup,
    rowSetup: `
        let ix = ak % ${a.inWidth};
        let iy = (ak / ${a.inWidth}) % ${a.inHeight};
        let n = ak / ${a.inWidth * a.inHeight};`,
    loadA: `
              let oc = m % ${co};
              let tw = (m / ${co}) % ${kw};
              let th = m / ${co * kw};
              let ty = iy + ${a.padTop} - th;
              let tx = ix + ${a.padLeft} - tw;
              if (ty >= 0 && tx >= 0 && ${divides('ty', a.strideHeight)} && ${divides('tx', a.strideWidth)}) {
                let oy = ty / ${a.strideHeight};
                let ox = tx / ${a.strideWidth};
                if (oy < ${a.outHeight} && ox < ${a.outWidth}) {
                  v = bnBackward(((n * ${a.outHeight} + oy) * ${a.outWidth} + ox) * ${co} + oc, oc);
                }
              }`,
    // B[m, ci] = W[th, tw, ci, oc]: the filter's (ci, co) plane read across.
    loadB: `v = W[((m / ${co}) * ${ci} + bn) * ${co} + m % ${co}];`,
    ...(residual
      ? {
          epilogue: blockGradWgsl(
            shortcut,
            [a.batch, a.inHeight, a.inWidth, ci],
            [0, ...a.resShape],
          ),
        }
      : {}),
    flops: 2 * a.batch * a.outHeight * a.outWidth * co * a.filterHeight * kw * ci,
  });
}

const kernel: tf.KernelFunc = ({ inputs, backend, attrs }) => {
  const a = attrs as unknown as Attrs;
  const p = program(a);
  const list = p.variableNames.map((n) => inputs[n] as tf.TensorInfo);
  const uniforms = bnBackwardUniforms({ offset: a.bnOffset, total: a.bnTotal });
  return (backend as unknown as WebGPUBackend).runWebGPUProgram(p, list, 'float32', uniforms);
};

/**
 * dx of y = conv2d(x, filter, stride, symmetric pad `pad`) where y fed the BN layer `bn` (its
 * backward is applied on load), x of shape `inputShape`. One dispatch on webgpu. With
 * `residual` (a block's first unit), the result is the gradient at the block's input instead:
 * `blockInputGrad(dx, ...residual)`, done in the same dispatch as its epilogue.
 */
export function convInputGradBn(
  bn: BnBackward,
  filter: tf.Tensor,
  stride: number,
  pad: number,
  inputShape: readonly number[],
  opt: ImplOption & { residual?: ResidualGrad } = {},
): tf.Tensor4D {
  const { residual } = opt;
  if (chooseImpl(opt) === 'tf-ops') {
    return tf.tidy(() => {
      const dy = materialise(bn);
      const attrs = { strides: stride, pad, dataFormat: 'NHWC', dilations: 1, inputShape };
      const dx = tf.engine().runKernel('Conv2DBackpropInput', { dy, filter }, attrs);
      if (!residual) return dx;
      const { dSum, input, shortcut } = residual;
      return blockInputGrad(dx as tf.Tensor4D, dSum, input, shortcut, opt);
    }) as tf.Tensor4D;
  }
  registerWebGpuKernel(KERNEL, kernel);
  const g = convGeometry(inputShape, filter.shape, stride, [pad, pad]);
  const want = [g.batch, g.outHeight, g.outWidth, g.outChannels];
  const half = halfZ(bn) ? 1 : 0;
  if (bn.dz.shape.join() !== want.join())
    throw new Error(`convInputGradBn: dy ${bn.dz.shape.join('×')} is not ${want.join('×')}`);
  const attrs: Attrs = {
    ...g,
    bnOffset: bn.slot.offset,
    bnTotal: bn.slot.total,
    bnCount: perChannel(bn),
    maskFromParams: bn.maskFromParams ? 1 : 0,
    halfZ: half,
    resStride: residual?.shortcut.stride ?? 0,
    resPad: residual?.shortcut.pad ?? 0,
    resShape: residual ? residual.dSum.shape.slice(1) : [],
  };
  if (residual && residual.input.shape.join() !== inputShape.join())
    throw new Error(`convInputGradBn: the block input is not ${inputShape.join('×')}`);
  const [gDZ, gZ, gD] = bnBackwardInputs(bn);
  const inputs: tf.NamedTensorMap = { W: filter, gDZ, gZ, gD };
  if (residual) [inputs['DZ'], inputs['Y']] = [residual.dSum, residual.input];
  return tf.engine().runKernel(KERNEL, inputs, attrs as unknown as tf.NamedAttrMap) as tf.Tensor4D;
}
