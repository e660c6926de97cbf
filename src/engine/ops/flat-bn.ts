/**
 * Kernels of the ResNet's hand-written training step (models/resnet-step.ts), each a single
 * WebGPU dispatch with a tf-ops fallback for cpu/webgl (`forceOps` selects it anywhere, for tests).
 *
 * Batch-norm parameters and statistics of the whole network live in flat buffers, so one SGD
 * update and one running-statistics update serve every layer:
 *   params  [2, T]: row 0 γ, row 1 β;  T = Σ channels over all BN layers, layer l at offset o.
 *   stats   [2, T]: this step's batch mean and (biased) variance, filled layer by layer:
 *                   `bnStats` returns a copy of its input chain with layer l's channels set.
 *   grads   [2, T]: row 0 Σdy·x̂ (dγ), row 1 Σdy (dβ), chained the same way by `bnSums`.
 * Per-channel sums run one workgroup per channel (two-pass mean/variance), so no matmul or
 * reshape kernels are needed. Shortcuts of option A (stride-s subsample + zero channel padding)
 * are folded into the kernels that consume them.
 */
import * as tf from '@tensorflow/tfjs';
import type { WebGPUBackend, WebGPUProgram } from '@tensorflow/tfjs-backend-webgpu';
import { perElementMain, perElementProgram } from './wgsl';

export const FLAT_BN_EPS = 1e-5;
const WG = 256;

/** Where one BN layer's channels sit in the flat [2, T] buffers. */
export interface BnSlot {
  offset: number;
  channels: number;
  total: number;
}

/** Option-A shortcut from a [B,Hi,Wi,Ci] input: subsample by `stride`, pad `pad` channels each side. */
export interface Shortcut {
  stride: number;
  pad: number;
}

type Program = WebGPUProgram & { outputShape: number[]; uniformData?: number[] };

/**
 * Layer offsets go in as uniforms (o: the slot's offset, tot: T, mAt / vAt: where mean and
 * variance are read), so layers of one stage share a compiled pipeline.
 */
const SLOT_UNIFORMS = 'o : i32, tot : i32, mAt : i32, vAt : i32,';

function program(
  key: string,
  names: string[],
  outputShape: number[],
  code: string,
  workgroups?: number,
  slot?: { slot: BnSlot; meanAt?: number; varAt?: number },
): Program {
  const p: Program = perElementProgram(key, names, outputShape, code);
  // Reductions: `workgroups` workgroups of WG threads each instead of one thread per element.
  if (workgroups) {
    p.dispatch = [workgroups, 1, 1];
    p.workgroupSize = [WG, 1, 1];
  }
  if (slot) {
    const { offset, total } = slot.slot;
    p.uniforms = SLOT_UNIFORMS;
    p.uniformData = [offset, total, slot.meanAt ?? offset, slot.varAt ?? total + offset];
  }
  return p;
}

function webgpuAvailable(forceOps: boolean): boolean {
  return !forceOps && tf.getBackend() === 'webgpu';
}

/**
 * Runs a program as a registered kernel (named by its key's prefix, e.g. ScBnStats) so that
 * tfjs tracks its output and `tf.profile` counts it under that name.
 */
const registeredNames = new Set<string>();
function run(p: Program, inputs: tf.Tensor[]): tf.Tensor {
  const name = p.shaderKey.split('_')[0]!;
  if (!registeredNames.has(name)) {
    registeredNames.add(name);
    if (!tf.getKernel(name, 'webgpu')) {
      tf.registerKernel({
        kernelName: name,
        backendName: 'webgpu',
        kernelFunc: ({ inputs: ins, backend, attrs }) => {
          const prog = (attrs as unknown as { program: Program }).program;
          const list = prog.variableNames.map((n) => ins[n] as tf.TensorInfo);
          const uniforms = prog.uniformData?.map((v) => ({ type: 'int32', data: [v] }));
          return (backend as unknown as WebGPUBackend).runWebGPUProgram(
            prog,
            list,
            'float32',
            uniforms,
          );
        },
      });
    }
  }
  const named: tf.NamedTensorMap = {};
  p.variableNames.forEach((n, i) => (named[n] = inputs[i]!));
  const attrs = { program: p } as unknown as tf.NamedAttrMap;
  return tf.engine().runKernel(name, named, attrs) as tf.Tensor;
}

/** Workgroup tree reduction of `v` (and optionally `w`); every thread gets the totals. */
const REDUCE = `
  var<workgroup> scA : array<f32, ${WG}>;
  var<workgroup> scB : array<f32, ${WG}>;
  fn reduce2(t : i32, v : f32, w : f32) -> vec2<f32> {
    scA[t] = v;
    scB[t] = w;
    workgroupBarrier();
    for (var s = ${WG / 2}; s > 0; s = s / 2) {
      if (t < s) {
        scA[t] = scA[t] + scA[t + s];
        scB[t] = scB[t] + scB[t + s];
      }
      workgroupBarrier();
    }
    let r = vec2<f32>(scA[0], scB[0]);
    workgroupBarrier();
    return r;
  }`;

/** Copies the chain entries of other layers (workgroup c takes every C-th block). */
function copyChain(slot: BnSlot, src: string): string {
  const c = slot.channels;
  return `
    for (var j = i32(workgroupId.x) * ${WG} + t; j < uniforms.size; j = j + ${c * WG}) {
      let k = j % uniforms.tot;
      if (k < uniforms.o || k >= uniforms.o + ${c}) { result[j] = ${src}[j]; }
    }`;
}

// ---- tf-ops helpers for the fallbacks ----

function row(flat: tf.Tensor, r: number, slot: BnSlot): tf.Tensor1D {
  return tf.reshape(tf.slice(flat, [r, slot.offset], [1, slot.channels]), [slot.channels]);
}

/** Replaces layer `slot`'s columns of a [2, T] chain with rows a and b. */
function spliceChain(chain: tf.Tensor, slot: BnSlot, a: tf.Tensor, b: tf.Tensor): tf.Tensor2D {
  const { offset: o, channels: c, total: t } = slot;
  const mid = tf.stack([a, b]);
  const parts: tf.Tensor[] = [];
  if (o > 0) parts.push(tf.slice(chain, [0, 0], [2, o]));
  parts.push(mid);
  if (o + c < t) parts.push(tf.slice(chain, [0, o + c], [2, t - o - c]));
  return tf.concat(parts, 1) as tf.Tensor2D;
}

function shortcutOps(h: tf.Tensor4D, sc: Shortcut): tf.Tensor4D {
  const sub = sc.stride > 1 ? tf.avgPool(h, 1, sc.stride, 'valid') : h;
  if (sc.pad === 0) return sub;
  return tf.pad(sub, [
    [0, 0],
    [0, 0],
    [0, 0],
    [sc.pad, sc.pad],
  ]);
}

// ---- kernels ----

/**
 * Batch mean and biased variance of x's channels (two passes), written into layer `slot`'s
 * columns of a copy of `chain` [2, T].
 */
export function bnStats(
  x: tf.Tensor4D,
  chain: tf.Tensor,
  slot: BnSlot,
  forceOps = false,
): tf.Tensor2D {
  const c = slot.channels;
  const n = x.size / c;
  if (webgpuAvailable(forceOps)) {
    const code = `
      ${REDUCE}
      fn main(index : i32) {
        let t = i32(localId.x);
        let ch = i32(workgroupId.x);
        ${copyChain(slot, 'P')}
        var s = 0.0;
        for (var r = t; r < ${n}; r = r + ${WG}) { s = s + X[r * ${c} + ch]; }
        let mean = reduce2(t, s, 0.0).x / f32(${n});
        var q = 0.0;
        for (var r = t; r < ${n}; r = r + ${WG}) {
          let d = X[r * ${c} + ch] - mean;
          q = q + d * d;
        }
        let v = reduce2(t, q, 0.0).x / f32(${n});
        if (t == 0) {
          result[uniforms.o + ch] = mean;
          result[uniforms.tot + uniforms.o + ch] = v;
        }
      }`;
    const p = program(`ScBnStats_${n}_${c}`, ['X', 'P'], [2, slot.total], code, c, { slot });
    return run(p, [x, chain]) as tf.Tensor2D;
  }
  return tf.tidy(() => {
    const { mean, variance } = tf.moments(x, [0, 1, 2]);
    return spliceChain(chain, slot, mean, variance);
  });
}

export interface ApplyOptions {
  relu: boolean;
  /** Residual input (the block's input h) and how it maps onto the output. */
  residual?: { h: tf.Tensor4D; shortcut: Shortcut };
}

/**
 * y = γ·(x − mean)·rsqrt(var + eps) + β [+ shortcut(h)] [then ReLU]. Mean and variance are read
 * at `meanAt` / `varAt` + channel from `mean` / `variance` (the same chain tensor in training,
 * the flat running statistics in inference); γ, β from the flat params at the slot's columns.
 */
export function bnApply(
  x: tf.Tensor4D,
  mean: tf.Tensor,
  variance: tf.Tensor,
  stat: { meanAt: number; varAt: number },
  params: tf.Tensor,
  slot: BnSlot,
  opts: ApplyOptions,
  forceOps = false,
): tf.Tensor4D {
  const [b, hh, ww, c] = x.shape;
  if (webgpuAvailable(forceOps)) {
    const names = ['X', 'M', 'V', 'G'];
    const inputs: tf.Tensor[] = [x, mean, variance, params];
    let res = '';
    let key = 'none';
    if (opts.residual) {
      const { h, shortcut: sc } = opts.residual;
      names.push('R');
      inputs.push(h);
      const [, hi, wi, ci] = h.shape;
      key = `${sc.stride}_${sc.pad}_${hi}_${wi}_${ci}`;
      res =
        sc.stride === 1 && sc.pad === 0
          ? 'y = y + R[index];'
          : `let pix = index / ${c};
             let xo = pix % ${ww};
             let yo = (pix / ${ww}) % ${hh};
             let nb = pix / ${ww * hh};
             let cin = ch - ${sc.pad};
             if (cin >= 0 && cin < ${ci}) {
               y = y + R[((nb * ${hi} + yo * ${sc.stride}) * ${wi} + xo * ${sc.stride}) * ${ci} + cin];
             }`;
    }
    const code = perElementMain(
      'index',
      `
          let ch = index % ${c};
          let xhat = (X[index] - M[uniforms.mAt + ch]) * inverseSqrt(V[uniforms.vAt + ch] + ${FLAT_BN_EPS});
          var y = G[uniforms.o + ch] * xhat + G[uniforms.tot + uniforms.o + ch];
          ${res}
          ${opts.relu ? 'y = max(y, 0.0);' : ''}
          setOutputAtIndex(index, y);`,
    );
    const k = `ScBnApply_${c}_${hh}_${ww}_${key}_${opts.relu}`;
    const p = program(k, names, [b, hh, ww, c], code, undefined, { slot, ...stat });
    return run(p, inputs) as tf.Tensor4D;
  }
  return tf.tidy(() => {
    const m = tf.reshape(tf.slice(tf.reshape(mean, [-1]), stat.meanAt, c), [c]);
    const v = tf.reshape(tf.slice(tf.reshape(variance, [-1]), stat.varAt, c), [c]);
    let y: tf.Tensor = tf.batchNorm(
      x,
      m,
      v,
      row(params, 1, slot),
      row(params, 0, slot),
      FLAT_BN_EPS,
    );
    if (opts.residual) y = tf.add(y, shortcutOps(opts.residual.h, opts.residual.shortcut));
    return (opts.relu ? tf.relu(y) : y) as tf.Tensor4D;
  });
}

/** dy = dz where y > 0 (ReLU backward from the layer's output), or dz without ReLU. */
const DY = (relu: boolean) => (relu ? 'select(0.0, DZ[i], Y[i] > 0.0)' : 'DZ[i]');

function dyOps(dz: tf.Tensor, y: tf.Tensor, relu: boolean): tf.Tensor {
  return relu ? tf.mul(dz, tf.step(y)) : dz;
}

function xhatOps(x: tf.Tensor, stats: tf.Tensor, slot: BnSlot): tf.Tensor {
  return tf.mul(tf.sub(x, row(stats, 0, slot)), tf.rsqrt(tf.add(row(stats, 1, slot), FLAT_BN_EPS)));
}

/**
 * Parameter gradients of one BN(+ReLU) layer: Σ dy·x̂ and Σ dy per channel, written into layer
 * `slot`'s columns of a copy of the gradient chain [2, T]. `y` is the layer's output (ReLU mask).
 */
export function bnSums(
  dz: tf.Tensor4D,
  y: tf.Tensor4D,
  x: tf.Tensor4D,
  stats: tf.Tensor,
  chain: tf.Tensor,
  slot: BnSlot,
  relu: boolean,
  forceOps = false,
): tf.Tensor2D {
  const c = slot.channels;
  const n = x.size / c;
  if (webgpuAvailable(forceOps)) {
    const code = `
      ${REDUCE}
      fn main(index : i32) {
        let t = i32(localId.x);
        let ch = i32(workgroupId.x);
        ${copyChain(slot, 'P')}
        let mean = S[uniforms.o + ch];
        let rstd = inverseSqrt(S[uniforms.tot + uniforms.o + ch] + ${FLAT_BN_EPS});
        var sdx = 0.0;
        var sd = 0.0;
        for (var r = t; r < ${n}; r = r + ${WG}) {
          let i = r * ${c} + ch;
          let dy = ${DY(relu)};
          sdx = sdx + dy * (X[i] - mean) * rstd;
          sd = sd + dy;
        }
        let tot = reduce2(t, sdx, sd);
        if (t == 0) {
          result[uniforms.o + ch] = tot.x;
          result[uniforms.tot + uniforms.o + ch] = tot.y;
        }
      }`;
    const key = `ScBnSums_${n}_${c}_${relu}`;
    // An unused binding would be dropped from the pipeline layout: pass Y only with ReLU.
    const names = relu ? ['DZ', 'Y', 'X', 'S', 'P'] : ['DZ', 'X', 'S', 'P'];
    const inputs = relu ? [dz, y, x, stats, chain] : [dz, x, stats, chain];
    return run(program(key, names, [2, slot.total], code, c, { slot }), inputs) as tf.Tensor2D;
  }
  return tf.tidy(() => {
    const dy = dyOps(dz, y, relu);
    const dgamma = tf.sum(tf.mul(dy, xhatOps(x, stats, slot)), [0, 1, 2]);
    return spliceChain(chain, slot, dgamma, tf.sum(dy, [0, 1, 2]));
  });
}

/** Input gradient of one BN(+ReLU) layer: γ·rstd·(dy − Σdy/N − x̂·Σ(dy·x̂)/N). */
export function bnDx(
  dz: tf.Tensor4D,
  y: tf.Tensor4D,
  x: tf.Tensor4D,
  stats: tf.Tensor,
  params: tf.Tensor,
  grads: tf.Tensor,
  slot: BnSlot,
  relu: boolean,
  forceOps = false,
): tf.Tensor4D {
  const c = slot.channels;
  const invN = c / x.size;
  if (webgpuAvailable(forceOps)) {
    const code = perElementMain(
      'i',
      `
          let ch = i % ${c};
          let rstd = inverseSqrt(S[uniforms.tot + uniforms.o + ch] + ${FLAT_BN_EPS});
          let xhat = (X[i] - S[uniforms.o + ch]) * rstd;
          let dy = ${DY(relu)};
          let mdy = D[uniforms.tot + uniforms.o + ch] * ${invN};
          let mdyx = D[uniforms.o + ch] * ${invN};
          setOutputAtIndex(i, G[uniforms.o + ch] * rstd * (dy - mdy - xhat * mdyx));`,
    );
    const key = `ScBnDxFlat_${c}_${x.size}_${relu}`;
    const names = relu ? ['DZ', 'Y', 'X', 'S', 'G', 'D'] : ['DZ', 'X', 'S', 'G', 'D'];
    const inputs = relu ? [dz, y, x, stats, params, grads] : [dz, x, stats, params, grads];
    return run(program(key, names, x.shape, code, undefined, { slot }), inputs) as tf.Tensor4D;
  }
  return tf.tidy(() => {
    const dy = dyOps(dz, y, relu);
    const rstd = tf.rsqrt(tf.add(row(stats, 1, slot), FLAT_BN_EPS));
    const xhat = xhatOps(x, stats, slot);
    const inner = tf.sub(
      tf.sub(dy, tf.mul(row(grads, 1, slot), invN)),
      tf.mul(xhat, tf.mul(row(grads, 0, slot), invN)),
    );
    return tf.mul(inner, tf.mul(row(params, 0, slot), rstd)) as tf.Tensor4D;
  });
}

/**
 * Gradient at a residual block's input h: g (through the block's first conv) plus the shortcut's
 * transpose applied to dy = dOut·[out > 0] (the block output's ReLU mask).
 */
export function blockInputGrad(
  g: tf.Tensor4D,
  dOut: tf.Tensor4D,
  out: tf.Tensor4D,
  sc: Shortcut,
  forceOps = false,
): tf.Tensor4D {
  const [b, hi, wi, ci] = g.shape;
  const [, ho, wo, co] = dOut.shape;
  if (webgpuAvailable(forceOps)) {
    const same = sc.stride === 1 && sc.pad === 0;
    const body = same
      ? 'v = v + select(0.0, DZ[i], Y[i] > 0.0);'
      : `let ch = i % ${ci};
         let pix = i / ${ci};
         let xi = pix % ${wi};
         let yi = (pix / ${wi}) % ${hi};
         let nb = pix / ${wi * hi};
         if (xi % ${sc.stride} == 0 && yi % ${sc.stride} == 0) {
           let j = ((nb * ${ho} + yi / ${sc.stride}) * ${wo} + xi / ${sc.stride}) * ${co} + ch + ${sc.pad};
           v = v + select(0.0, DZ[j], Y[j] > 0.0);
         }`;
    const code = perElementMain(
      'i',
      `
          var v = G1[i];
          ${body}
          setOutputAtIndex(i, v);`,
    );
    const key = `ScBlockGrad_${b}_${hi}_${wi}_${ci}_${ho}_${wo}_${co}_${sc.stride}_${sc.pad}`;
    return run(program(key, ['G1', 'DZ', 'Y'], g.shape, code), [g, dOut, out]) as tf.Tensor4D;
  }
  return tf.tidy(() => {
    const [dsc] = tf.grads((h: tf.Tensor) =>
      tf.sum(tf.mul(shortcutOps(h as tf.Tensor4D, sc), dyOps(dOut, out, true))),
    )([tf.zerosLike(g)]);
    return tf.add(g, dsc!) as tf.Tensor4D;
  });
}

/** running ← (1 − m)·running + m·factor·chain[row] over all T channels at once. */
export function runningUpdate(
  running: tf.Tensor,
  chain: tf.Tensor,
  rowIndex: 0 | 1,
  momentum: number,
  factor: tf.Tensor | null,
  forceOps = false,
): tf.Tensor {
  const t = running.size;
  if (webgpuAvailable(forceOps)) {
    const names = factor ? ['R', 'P', 'F'] : ['R', 'P'];
    const f = factor ? ' * F[i]' : '';
    const code = perElementMain(
      'i',
      `
          setOutputAtIndex(i, ${1 - momentum} * R[i] + ${momentum} * P[${rowIndex * t} + i]${f});`,
    );
    const key = `ScRunStat_${t}_${rowIndex}_${momentum}_${factor !== null}`;
    const inputs = factor ? [running, chain, factor] : [running, chain];
    return run(program(key, names, running.shape, code), inputs);
  }
  return tf.tidy(() => {
    let batch: tf.Tensor = tf.reshape(tf.slice(chain, [rowIndex, 0], [1, t]), running.shape);
    if (factor) batch = tf.mul(batch, factor);
    return tf.add(tf.mul(running, 1 - momentum), tf.mul(batch, momentum));
  });
}

/** [B,C] → [B,H,W,C] with every pixel dp/(H·W): the gradient of global average pooling. */
export function globalPoolGrad(
  dp: tf.Tensor2D,
  h: number,
  w: number,
  forceOps = false,
): tf.Tensor4D {
  const [b, c] = dp.shape;
  if (webgpuAvailable(forceOps)) {
    const code = perElementMain(
      'i',
      `
          setOutputAtIndex(i, DP[(i / ${h * w * c}) * ${c} + i % ${c}] * ${1 / (h * w)});`,
    );
    return run(program(`ScPoolGrad_${h}_${w}_${c}`, ['DP'], [b, h, w, c], code), [
      dp,
    ]) as tf.Tensor4D;
  }
  return tf.tidy(() =>
    tf.broadcastTo(tf.reshape(tf.mul(dp, 1 / (h * w)), [b, 1, 1, c]), [b, h, w, c]),
  ) as tf.Tensor4D;
}

/** (softmax(logits) − onehot(labels)) / B: the gradient of the mean cross-entropy. */
export function softmaxXentGrad(
  logits: tf.Tensor2D,
  labels: tf.Tensor1D,
  forceOps = false,
): tf.Tensor2D {
  const [b, k] = logits.shape;
  if (webgpuAvailable(forceOps)) {
    const code = perElementMain(
      'i',
      `
          let r = i / ${k};
          var mx = L[r * ${k}];
          for (var j = 1; j < ${k}; j = j + 1) { mx = max(mx, L[r * ${k} + j]); }
          var s = 0.0;
          for (var j = 0; j < ${k}; j = j + 1) { s = s + exp(L[r * ${k} + j] - mx); }
          let p = exp(L[i] - mx) / s;
          setOutputAtIndex(i, (p - select(0.0, 1.0, Y[r] == i % ${k})) * ${1 / b});`,
    );
    return run(program(`ScXentGrad_${b}_${k}`, ['L', 'Y'], [b, k], code), [
      logits,
      labels,
    ]) as tf.Tensor2D;
  }
  return tf.tidy(() =>
    tf.mul(tf.sub(tf.softmax(logits), tf.oneHot(labels, k)), 1 / b),
  ) as tf.Tensor2D;
}

/** Mean softmax cross-entropy, as a scalar. */
export function softmaxXentLoss(
  logits: tf.Tensor2D,
  labels: tf.Tensor1D,
  forceOps = false,
): tf.Scalar {
  const [b, k] = logits.shape;
  if (webgpuAvailable(forceOps)) {
    const code = `
      ${REDUCE}
      fn main(index : i32) {
        let t = i32(localId.x);
        var acc = 0.0;
        for (var r = t; r < ${b}; r = r + ${WG}) {
          var mx = L[r * ${k}];
          for (var j = 1; j < ${k}; j = j + 1) { mx = max(mx, L[r * ${k} + j]); }
          var s = 0.0;
          for (var j = 0; j < ${k}; j = j + 1) { s = s + exp(L[r * ${k} + j] - mx); }
          acc = acc + log(s) + mx - L[r * ${k} + Y[r]];
        }
        let tot = reduce2(t, acc, 0.0);
        if (t == 0 && uniforms.size == 1) { result[0] = tot.x / f32(${b}); }
      }`;
    return run(program(`ScXentLoss_${b}_${k}`, ['L', 'Y'], [], code, 1), [
      logits,
      labels,
    ]) as tf.Scalar;
  }
  return tf.tidy(
    () =>
      tf.neg(tf.mean(tf.sum(tf.mul(tf.oneHot(labels, k), tf.logSoftmax(logits)), 1))) as tf.Scalar,
  );
}

/** Global average pooling [B,H,W,C] → [B,C] in one kernel (no reshape). */
export function globalPool(x: tf.Tensor4D, forceOps = false): tf.Tensor2D {
  const [b, h, w, c] = x.shape;
  if (webgpuAvailable(forceOps)) {
    const code = perElementMain(
      'i',
      `
          let base = (i / ${c}) * ${h * w * c} + i % ${c};
          var s = 0.0;
          for (var p = 0; p < ${h * w}; p = p + 1) { s = s + X[base + p * ${c}]; }
          setOutputAtIndex(i, s * ${1 / (h * w)});`,
    );
    return run(program(`ScGlobalPool_${h}_${w}_${c}`, ['X'], [b, c], code), [x]) as tf.Tensor2D;
  }
  return tf.mean(x, [1, 2]) as tf.Tensor2D;
}
