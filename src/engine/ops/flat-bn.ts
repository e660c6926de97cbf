/**
 * Batch-norm kernels of the ResNet's hand-written training step (models/resnet-step.ts), each one
 * WebGPU dispatch, with a tf-ops implementation for cpu/webgl (ops/kernels.ts picks; tests may
 * ask for tf ops on webgpu).
 *
 * Batch-norm parameters and statistics of the whole network live in flat buffers, so one SGD
 * update and one running-statistics update serve every layer:
 *   params  [2, T]: row 0 γ, row 1 β;  T = Σ channels over all BN layers, layer l at offset o.
 *   stats   [2, T]: this step's batch mean and (biased) variance, filled layer by layer:
 *                   `bnStats` returns a copy of its input chain with layer l's channels set.
 *   sums    [6, T]: row 0 Σdy·x̂ (dγ), row 1 Σdy (dβ), chained the same way by `bnSums`, then
 *                   copies of stats and params: one binding for a BN backward on load's constants.
 * Per-channel sums run one workgroup per channel (two-pass mean/variance), so no matmul or
 * reshape kernels; option-A shortcuts (ops/shortcut.ts) are folded into `bnApply`.
 */
import * as tf from '@tensorflow/tfjs';
import { perChannelMain, withSlot, zOf } from './flat-bn-wgsl';
import { logicalShape } from './half-act';
import { pick, runProgram, type ImplOption, type Implementations } from './kernels';
import { shortcutAddWgsl, shortcutOps, type Shortcut } from './shortcut';
import { perElementMain, perElementProgram, REDUCE_THREADS as WG, reductionProgram } from './wgsl';

export const FLAT_BN_EPS = 1e-5;

/** Where one BN layer's channels sit in the flat [2, T] buffers. */
export interface BnSlot {
  offset: number;
  channels: number;
  total: number;
}

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

/**
 * A BN+ReLU layer's ReLU mask in its backward: recomputed from x as γ·x̂ + β > 0 (the expression
 * `bnApply` evaluates, so the mask is the forward's) from the layer's parameters; or null when
 * dz arrives already masked (the step masks gradients where it reads the activation anyway:
 * shortcut.ts, global-pool.ts) or the layer has no ReLU.
 */
export type ReluMask = { params: tf.Tensor } | null;

/** dy: dz, masked with `xhat` (the WGSL expression of x̂ at element i, channel ch) if asked. */
function DY(mask: ReluMask, xhat: string): string {
  if (!mask) return 'DZ[i]';
  return `select(0.0, DZ[i], G[uniforms.o + ch] * ${xhat} + G[uniforms.tot + uniforms.o + ch] > 0.0)`;
}

function dyOps(a: BnGradArgs): tf.Tensor {
  const { dz, mask, x, stats, slot } = a;
  if (!mask) return dz;
  const stat = { meanAt: slot.offset, varAt: slot.total + slot.offset };
  const y = BN.tfOps.apply({ x, mean: stats, variance: stats, stat, ...mask, slot, relu: true });
  return tf.mul(dz, tf.step(y));
}

function xhatOps(x: tf.Tensor, stats: tf.Tensor, slot: BnSlot): tf.Tensor {
  return tf.mul(tf.sub(x, row(stats, 0, slot)), tf.rsqrt(tf.add(row(stats, 1, slot), FLAT_BN_EPS)));
}

export interface ApplyOptions {
  relu: boolean;
  /** Residual input (the block's input h) and how it maps onto the output. */
  residual?: { h: tf.Tensor4D; shortcut: Shortcut };
}

/** What `bnApply` reads: see there. */
export interface BnApplyArgs extends ApplyOptions {
  x: tf.Tensor4D;
  mean: tf.Tensor;
  variance: tf.Tensor;
  stat: { meanAt: number; varAt: number };
  params: tf.Tensor;
  slot: BnSlot;
}

/** One BN(+ReLU) layer's backward inputs: dz at its output, its input x and batch stats. */
export interface BnGradArgs {
  dz: tf.Tensor4D;
  mask: ReluMask;
  x: tf.Tensor4D;
  stats: tf.Tensor;
  slot: BnSlot;
}

export interface RunningArgs {
  running: tf.Tensor;
  chain: tf.Tensor;
  rowIndex: 0 | 1;
  momentum: number;
  /** Multiplies the batch row (the unbiasing N/(N−1) of the variance); null for none. */
  factor: tf.Tensor | null;
}

interface BnOps {
  stats(x: tf.Tensor4D, chain: tf.Tensor, slot: BnSlot): tf.Tensor2D;
  apply(a: BnApplyArgs): tf.Tensor4D;
  /** `chain`: the sums chain whose copy gets this layer's sums; `params`: γ, β to copy. */
  sums(a: BnGradArgs, params: tf.Tensor, chain: tf.Tensor): tf.Tensor2D;
  /** `params`: γ, β; `grads`: this layer's sums, as `sums` wrote them. */
  dx(a: BnGradArgs, params: tf.Tensor, grads: tf.Tensor): tf.Tensor4D;
  runningUpdate(a: RunningArgs): tf.Tensor;
}

const BN: Implementations<BnOps> = {
  wgsl: {
    stats: (x, chain, slot) => {
      const { c, n, half, read, helpers } = zOf(x, slot);
      const code = perChannelMain(
        slot,
        `
        var s = 0.0;
        for (var r = t; r < ${n}; r = r + ${WG}) { s = s + ${read(`r * ${c} + ch`, 'ch')}; }
        let mean = reduce2(t, s, 0.0).x / f32(${n});
        var q = 0.0;
        for (var r = t; r < ${n}; r = r + ${WG}) {
          let d = ${read(`r * ${c} + ch`, 'ch')} - mean;
          q = q + d * d;
        }
        let v = reduce2(t, q, 0.0).x / f32(${n});
        if (t == 0) {
          result[uniforms.o + ch] = mean;
          result[uniforms.tot + uniforms.o + ch] = v;
        }`,
        helpers,
      );
      const key = `ScBnStats_${n}_${c}${half ? '_half' : ''}`;
      const p = reductionProgram(key, ['X', 'P'], [2, slot.total], code, c);
      return runProgram(withSlot(p, slot), [x, chain]) as tf.Tensor2D;
    },
    apply: ({ x, mean, variance, stat, params, slot, relu, residual }) => {
      const [, hh, ww] = x.shape;
      const { c, half, read, helpers } = zOf(x, slot);
      const names = ['X', 'M', 'V', 'G'];
      const inputs: tf.Tensor[] = [x, mean, variance, params];
      let res = '';
      let key = 'none';
      if (residual) {
        const { h, shortcut: sc } = residual;
        names.push('R');
        inputs.push(h);
        const [, hi, wi, ci] = h.shape;
        key = `${sc.stride}_${sc.pad}_${hi}_${wi}_${ci}`;
        res = shortcutAddWgsl(sc, h.shape, { hh, ww, c });
      }
      const code =
        helpers +
        perElementMain(
          'index',
          `
          let ch = index % ${c};
          let xhat = (${read('index', 'ch')} - M[uniforms.mAt + ch]) * inverseSqrt(V[uniforms.vAt + ch] + ${FLAT_BN_EPS});
          var y = G[uniforms.o + ch] * xhat + G[uniforms.tot + uniforms.o + ch];
          ${res}
          ${relu ? 'y = max(y, 0.0);' : ''}
          setOutputAtIndex(index, y);`,
        );
      const p = perElementProgram(
        `ScBnApply_${c}_${hh}_${ww}_${key}_${relu}${half ? '_half' : ''}`,
        names,
        logicalShape(x.shape, c),
        code,
      );
      return runProgram(withSlot(p, slot, stat), inputs) as tf.Tensor4D;
    },
    sums: ({ dz, mask, x, stats, slot }, params, chain) => {
      const { c, n, half, read, helpers } = zOf(x, slot);
      const code = perChannelMain(
        slot,
        `
        let mean = S[uniforms.o + ch];
        let rstd = inverseSqrt(S[uniforms.tot + uniforms.o + ch] + ${FLAT_BN_EPS});
        var sdx = 0.0;
        var sd = 0.0;
        for (var r = t; r < ${n}; r = r + ${WG}) {
          let i = r * ${c} + ch;
          let xi = ${read('i', 'ch')};
          let dy = ${DY(mask, '((xi - mean) * rstd)')};
          sdx = sdx + dy * (xi - mean) * rstd;
          sd = sd + dy;
        }
        let tot = reduce2(t, sdx, sd);
        if (t == 0) {
          result[uniforms.o + ch] = tot.x;
          result[uniforms.tot + uniforms.o + ch] = tot.y;
        }`,
        helpers,
        true,
      );
      // The mask's γ, β are the G this kernel copies.
      const names = ['DZ', 'G', 'X', 'S', 'P'];
      const inputs = [dz, params, x, stats, chain];
      const key = `ScBnSums_${n}_${c}_${mask !== null}${half ? '_half' : ''}`;
      const p = reductionProgram(key, names, [6, slot.total], code, c);
      return runProgram(withSlot(p, slot), inputs) as tf.Tensor2D;
    },
    dx: ({ dz, mask, x, stats, slot }, params, grads) => {
      const { c, n, half, read, helpers } = zOf(x, slot);
      const invN = 1 / n;
      const code =
        helpers +
        perElementMain(
          'i',
          `
          let ch = i % ${c};
          let rstd = inverseSqrt(S[uniforms.tot + uniforms.o + ch] + ${FLAT_BN_EPS});
          let xhat = (${read('i', 'ch')} - S[uniforms.o + ch]) * rstd;
          let dy = ${DY(mask, 'xhat')};
          let mdy = D[uniforms.tot + uniforms.o + ch] * ${invN};
          let mdyx = D[uniforms.o + ch] * ${invN};
          setOutputAtIndex(i, G[uniforms.o + ch] * rstd * (dy - mdy - xhat * mdyx));`,
        );
      // The mask's γ, β are the G this kernel binds anyway.
      const names = ['DZ', 'X', 'S', 'G', 'D'];
      const inputs = [dz, x, stats, params, grads];
      const key = `ScBnDxFlat_${c}_${x.size}_${mask !== null}${half ? '_half' : ''}`;
      const p = perElementProgram(key, names, logicalShape(x.shape, c), code);
      return runProgram(withSlot(p, slot), inputs) as tf.Tensor4D;
    },
    runningUpdate: ({ running, chain, rowIndex, momentum, factor }) => {
      const t = running.size;
      const names = factor ? ['R', 'P', 'F'] : ['R', 'P'];
      const f = factor ? ' * F[i]' : '';
      const code = perElementMain(
        'i',
        `
          setOutputAtIndex(i, ${1 - momentum} * R[i] + ${momentum} * P[${rowIndex * t} + i]${f});`,
      );
      const key = `ScRunStat_${t}_${rowIndex}_${momentum}_${factor !== null}`;
      const inputs = factor ? [running, chain, factor] : [running, chain];
      return runProgram(perElementProgram(key, names, running.shape, code), inputs);
    },
  },
  tfOps: {
    stats: (x, chain, slot) =>
      tf.tidy(() => {
        const { mean, variance } = tf.moments(x, [0, 1, 2]);
        return spliceChain(chain, slot, mean, variance);
      }),
    apply: ({ x, mean, variance, stat, params, slot, relu, residual }) =>
      tf.tidy(() => {
        const c = slot.channels;
        const m = tf.reshape(tf.slice(tf.reshape(mean, [-1]), stat.meanAt, c), [c]);
        const v = tf.reshape(tf.slice(tf.reshape(variance, [-1]), stat.varAt, c), [c]);
        const beta = row(params, 1, slot);
        let y: tf.Tensor = tf.batchNorm(x, m, v, beta, row(params, 0, slot), FLAT_BN_EPS);
        if (residual) y = tf.add(y, shortcutOps(residual.h, residual.shortcut));
        return (relu ? tf.relu(y) : y) as tf.Tensor4D;
      }),
    sums: (a, params, chain) =>
      tf.tidy(() => {
        const { x, stats, slot } = a;
        const dy = dyOps(a);
        const dgamma = tf.sum(tf.mul(dy, xhatOps(x, stats, slot)), [0, 1, 2]);
        const sums = spliceChain(chain, slot, dgamma, tf.sum(dy, [0, 1, 2]));
        return tf.concat([sums, stats, params], 0) as tf.Tensor2D;
      }),
    dx: (a, params, grads) =>
      tf.tidy(() => {
        const { x, stats, slot } = a;
        const invN = slot.channels / x.size;
        const dy = dyOps(a);
        const rstd = tf.rsqrt(tf.add(row(stats, 1, slot), FLAT_BN_EPS));
        const xhat = xhatOps(x, stats, slot);
        const inner = tf.sub(
          tf.sub(dy, tf.mul(row(grads, 1, slot), invN)),
          tf.mul(xhat, tf.mul(row(grads, 0, slot), invN)),
        );
        return tf.mul(inner, tf.mul(row(params, 0, slot), rstd)) as tf.Tensor4D;
      }),
    runningUpdate: ({ running, chain, rowIndex, momentum, factor }) =>
      tf.tidy(() => {
        const t = running.size;
        let batch: tf.Tensor = tf.reshape(tf.slice(chain, [rowIndex, 0], [1, t]), running.shape);
        if (factor) batch = tf.mul(batch, factor);
        return tf.add(tf.mul(running, 1 - momentum), tf.mul(batch, momentum));
      }),
  },
};

// The models call these positionally; each hands its arguments to the implementation picked.

/**
 * Batch mean and biased variance of x's channels (two passes), written into layer `slot`'s
 * columns of a copy of `chain` [2, T].
 */
export function bnStats(
  x: tf.Tensor4D,
  chain: tf.Tensor,
  slot: BnSlot,
  opt?: ImplOption,
): tf.Tensor2D {
  return pick(BN, opt).stats(x, chain, slot);
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
  opt?: ImplOption,
): tf.Tensor4D {
  return pick(BN, opt).apply({ x, mean, variance, stat, params, slot, ...opts });
}

/**
 * Parameter gradients of one BN(+ReLU) layer: Σ dy·x̂ and Σ dy per channel, written into layer
 * `slot`'s columns of a copy of the sums chain (rows 0–1 of `chain`), with the ReLU mask `mask`.
 * Returns [6, T]: those rows, then `stats` and `params` (γ, β).
 */
export function bnSums(
  dz: tf.Tensor4D,
  mask: ReluMask,
  x: tf.Tensor4D,
  stats: tf.Tensor,
  params: tf.Tensor,
  chain: tf.Tensor,
  slot: BnSlot,
  opt?: ImplOption,
): tf.Tensor2D {
  return pick(BN, opt).sums({ dz, mask, x, stats, slot }, params, chain);
}

/** Input gradient of one BN(+ReLU) layer: γ·rstd·(dy − Σdy/N − x̂·Σ(dy·x̂)/N). */
export function bnDx(
  dz: tf.Tensor4D,
  mask: ReluMask,
  x: tf.Tensor4D,
  stats: tf.Tensor,
  params: tf.Tensor,
  grads: tf.Tensor,
  slot: BnSlot,
  opt?: ImplOption,
): tf.Tensor4D {
  return pick(BN, opt).dx({ dz, mask, x, stats, slot }, params, grads);
}

/** running ← (1 − m)·running + m·factor·chain[row] over all T channels at once. */
export function runningUpdate(
  running: tf.Tensor,
  chain: tf.Tensor,
  rowIndex: 0 | 1,
  momentum: number,
  factor: tf.Tensor | null,
  opt?: ImplOption,
): tf.Tensor {
  return pick(BN, opt).runningUpdate({ running, chain, rowIndex, momentum, factor });
}
