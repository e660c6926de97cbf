/**
 * A 2-D convolution (NHWC, float32) whose input is a batch-norm layer's pre-activation z, with
 * BN + ReLU applied as the kernel loads it (ops/input-bn.ts): y = conv2d(relu(BN(z)), W).
 * The ResNet step uses it for each block's second conv, so the block's middle activation is
 * never stored. On webgpu it is one dispatch of an implicit GEMM (implicit-gemm.ts)
 *   y[k, co] = Σ_m A[k, m] · W[m, co],   k = (n·Ho + oy)·Wo + ox,   m = (kh·KW + kw)·Ci + ci,
 *   A[k, m]  = relu(BN(z))[n, oy·sh + kh − padTop, ox·sw + kw − padLeft, ci]   (0 outside);
 * W as [M, Co] is already contiguous, so only A is gathered. Elsewhere (cpu, webgl, or `impl:
 * 'tf-ops'`) the activation is materialised with `bnApply` and tfjs's conv runs on it.
 */
import * as tf from '@tensorflow/tfjs';
import type { WebGPUBackend } from '@tensorflow/tfjs-backend-webgpu';
import { convGeometry, GEOMETRY_KEYS, type ConvGeometry } from './conv-geometry';
import { bnApply } from './flat-bn';
import {
  INPUT_BN_UNIFORMS,
  INPUT_BN_VARIABLES,
  inputBnUniforms,
  inputBnWgsl,
  type InputBn,
} from './input-bn';
import { halfHelpers, isHalf, logicalShape, readAct } from './half-act';
import { ImplicitGemmProgram } from './implicit-gemm';
import { chooseImpl, registerWebGpuKernel, type ImplOption } from './kernels';

/** Kernel names: with BN + ReLU on the input's load, and without (a plain conv). */
const KERNEL_BN = 'ScConvBnInput';
const KERNEL_PLAIN = 'ScConv';

/**
 * A plain conv whose input x = relu(BN(z) (+ h)) a replayed plan computes as the conv loads it
 * (replay/fuse-apply.ts): z is bound as `x`, BN's stats and γ, β as input-bn.ts's, h as `R`,
 * and the value loaded at the centre tap is stored to `aOut`, so x is still written once.
 */
export interface ApplyOnLoad {
  residual: boolean;
}

/** Which of the conv's input and output are f16 pairs (ops/half-act.ts). */
export interface HalfIo {
  /** The input is a BN layer's z stored as pairs (only with BN on the load). */
  input: boolean;
  output: boolean;
}

const NO_HALF: HalfIo = { input: false, output: false };

/** The key suffix of a conv's f16 storage: empty for f32, so those keys stay as they were. */
const halfKey = (h: HalfIo) =>
  h.input || h.output ? `_h${h.input ? 1 : 0}${h.output ? 1 : 0}` : '';

/** The geometry each plain forward conv program was made for (fuse-apply.ts rebuilds it). */
const geometries = new WeakMap<ImplicitGemmProgram, ConvGeometry>();

export function forwardGeometry(p: ImplicitGemmProgram): ConvGeometry | undefined {
  return geometries.get(p);
}

/**
 * The centre tap's m / Ci, where the gathered input pixel is the output pixel itself, or null
 * if no tap is (a stride, a size change, an even filter): `ApplyOnLoad` needs one.
 */
export function centreTap(g: ConvGeometry): number | null {
  const same =
    g.strideHeight === 1 &&
    g.strideWidth === 1 &&
    g.outHeight === g.inHeight &&
    g.outWidth === g.inWidth &&
    g.padTop * 2 + 1 === g.filterHeight &&
    g.padLeft * 2 + 1 === g.filterWidth;
  return same ? g.padTop * g.filterWidth + g.padLeft : null;
}

/** The forward conv as an implicit GEMM: rows are output pixels, m = (kh, kw, ci). */
export function convProgram(
  g: ConvGeometry,
  bn: boolean,
  apply?: ApplyOnLoad,
  half: HalfIo = NO_HALF,
): ImplicitGemmProgram {
  const k = g.batch * g.outHeight * g.outWidth;
  const m = g.filterHeight * g.filterWidth * g.inChannels;
  const co = g.outChannels;
  const src = `((n * ${g.inHeight} + iy) * ${g.inWidth} + ix) * ${g.inChannels} + ci`;
  if (half.input && !bn && !apply) throw new Error('convProgram: a half input needs BN on load');
  const x = readAct('x', half.input, src, 'ci');
  const prologue = bn || apply ? inputBnWgsl(g.inChannels) : null;
  const centre = centreTap(g);
  if (apply && centre === null) throw new Error('convProgram: ApplyOnLoad needs a centre tap');
  const load = apply
    ? `
                let k = inBnK[ci];
                var y = k.z * ((${x} - k.x) * k.y) + k.w;
                ${apply.residual ? `y = y + R[${src}];` : ''}
                y = max(y, 0.0);
                v = y;
                if (m / ${g.inChannels} == ${centre}) { aOut[${src}] = y; }`
    : `v = ${bn ? `inputBn(${x}, ci)` : x};`;
  const variant = apply
    ? `${KERNEL_PLAIN}Apply${apply.residual ? 'Res' : ''}`
    : bn
      ? KERNEL_BN
      : KERNEL_PLAIN;
  const variables = apply
    ? ['x', 'W', ...INPUT_BN_VARIABLES, ...(apply.residual ? ['R'] : []), 'aOut']
    : ['x', 'W', ...(bn ? INPUT_BN_VARIABLES : [])];
  const program = new ImplicitGemmProgram({
    shaderKey: `${variant}_${GEOMETRY_KEYS.map((name) => g[name]).join('_')}${halfKey(half)}`,
    variableNames: variables,
    ...(apply ? { writes: ['aOut'] } : {}),
    ...(bn || apply ? { uniforms: INPUT_BN_UNIFORMS } : {}),
    outputShape: [g.batch, g.outHeight, g.outWidth, half.output ? co / 2 : co],
    ...(half.output ? { packOutput: true } : {}),
    K: k,
    N: co,
    M: m,
    helpers: (prologue?.helpers ?? '') + halfHelpers(half.input, 'x', g.inChannels),
    ...(prologue ? { setup: prologue.setup } : {}),
    rowSetup: `
        let ox = ak % ${g.outWidth};
        let oy = (ak / ${g.outWidth}) % ${g.outHeight};
        let n = ak / ${g.outWidth * g.outHeight};`,
    loadA: `
              let ci = m % ${g.inChannels};
              let kw = (m / ${g.inChannels}) % ${g.filterWidth};
              let kh = m / ${g.inChannels * g.filterWidth};
              let iy = oy * ${g.strideHeight} + kh - ${g.padTop};
              let ix = ox * ${g.strideWidth} + kw - ${g.padLeft};
              if (iy >= 0 && iy < ${g.inHeight} && ix >= 0 && ix < ${g.inWidth}) {
                ${load}
              }`,
    loadB: `v = W[m * ${co} + bn];`,
    flops: 2 * k * co * m,
  });
  if (!bn && !apply) geometries.set(program, g);
  return program;
}

/** Kernel attributes: the geometry, and 1 where input or output is f16 pairs. */
type Attrs = ConvGeometry & { halfIn: number; halfOut: number };
const halfOf = (a: Attrs): HalfIo => ({ input: a.halfIn === 1, output: a.halfOut === 1 });

/** `ScConvBnInput`: attributes are the geometry; inputs x (z), W, the BN stats and params. */
const kernelBn: tf.KernelFunc = ({ inputs, backend, attrs }) => {
  const a = attrs as unknown as Attrs & { bnOffset: number; bnTotal: number };
  const list = ['x', 'W', ...INPUT_BN_VARIABLES].map((n) => inputs[n] as tf.TensorInfo);
  const uniforms = inputBnUniforms({ offset: a.bnOffset, total: a.bnTotal });
  const program = convProgram(a, true, undefined, halfOf(a));
  return (backend as unknown as WebGPUBackend).runWebGPUProgram(program, list, 'float32', uniforms);
};

/** `ScConv`: the same implicit GEMM on x itself. */
const kernelPlain: tf.KernelFunc = ({ inputs, backend, attrs }) => {
  const list = [inputs['x'], inputs['W']] as tf.TensorInfo[];
  const a = attrs as unknown as Attrs;
  const program = convProgram(a, false, undefined, halfOf(a));
  return (backend as unknown as WebGPUBackend).runWebGPUProgram(program, list, 'float32');
};

/** Where the conv may store its output as f16 pairs (webgpu only: ops/half-act.ts). */
export interface HalfOption {
  halfOutput?: boolean;
}

function wantsHalf(opt: ImplOption & HalfOption, what: string): number {
  if (!opt.halfOutput) return 0;
  if (chooseImpl(opt) === 'tf-ops') throw new Error(`${what}: f16 storage needs webgpu`);
  return 1;
}

/**
 * conv2d(x, filter) with symmetric explicit padding `pad` (PyTorch's `padding=pad`): the
 * implicit GEMM above on webgpu, tfjs's Conv2D elsewhere.
 */
export function convForward(
  x: tf.Tensor4D,
  filter: tf.Tensor,
  stride: number,
  pad: number,
  opt: ImplOption & HalfOption = {},
): tf.Tensor4D {
  const halfOut = wantsHalf(opt, 'convForward');
  if (chooseImpl(opt) === 'tf-ops') {
    const attrs = { strides: stride, pad, dataFormat: 'NHWC', dilations: 1 };
    return tf.engine().runKernel('Conv2D', { x, filter }, attrs) as tf.Tensor4D;
  }
  registerWebGpuKernel(KERNEL_PLAIN, kernelPlain);
  const g = convGeometry(x.shape, filter.shape, stride, [pad, pad]);
  if (filter.shape[2] !== x.shape[3])
    throw new Error(
      `convForward: x ${x.shape.join('×')} and filter ${filter.shape.join('×')} do not fit`,
    );
  const inputs = { x, W: filter };
  const attrs: Attrs = { ...g, halfIn: 0, halfOut };
  return tf
    .engine()
    .runKernel(KERNEL_PLAIN, inputs, attrs as unknown as tf.NamedAttrMap) as tf.Tensor4D;
}

/**
 * conv2d(relu(BN(z)), filter) with symmetric explicit padding `pad` (PyTorch's `padding=pad`),
 * BN by `bn` (the layer that produced z). One dispatch on webgpu.
 */
export function convBnInput(
  z: tf.Tensor4D,
  filter: tf.Tensor,
  stride: number,
  pad: number,
  bn: InputBn,
  opt: ImplOption & HalfOption = {},
): tf.Tensor4D {
  const shape = filter.shape as [number, number, number, number];
  const halfOut = wantsHalf(opt, 'convBnInput');
  if (chooseImpl(opt) === 'tf-ops') {
    return tf.tidy(() => {
      const { stats, params, slot } = bn;
      const stat = { meanAt: slot.offset, varAt: slot.total + slot.offset };
      const a = bnApply(z, stats, stats, stat, params, slot, { relu: true }, opt);
      const attrs = { strides: stride, pad, dataFormat: 'NHWC', dilations: 1 };
      return tf.engine().runKernel('Conv2D', { x: a, filter }, attrs) as tf.Tensor4D;
    });
  }
  registerWebGpuKernel(KERNEL_BN, kernelBn);
  const zShape = logicalShape(z.shape, bn.slot.channels);
  const g = convGeometry(zShape, shape, stride, [pad, pad]);
  if (shape[2] !== zShape[3])
    throw new Error(`convBnInput: z ${z.shape.join('×')} and filter ${shape.join('×')} do not fit`);
  const halfIn = isHalf(z.shape, bn.slot.channels) ? 1 : 0;
  const attrs = { ...g, halfIn, halfOut, bnOffset: bn.slot.offset, bnTotal: bn.slot.total };
  const inputs = { x: z, W: filter, bnS: bn.stats, bnG: bn.params };
  return tf
    .engine()
    .runKernel(KERNEL_BN, inputs, attrs as unknown as tf.NamedAttrMap) as tf.Tensor4D;
}
