/**
 * Conv outputs stored as float16 ("half activations"): the optional storage mode of the ResNet
 * step (models/resnet-step.ts, `halfActivations`), off by default until a GPU measures it.
 *
 * A BN layer's input z is the step's most-moved tensor: written by its conv, then read by the
 * next conv's load, both gradients of its unit and the BN sums (docs/gpu-step.md). Stored as
 * f16 it moves half the bytes; every kernel still computes in f32 (the conv accumulates in
 * registers, BN statistics are f32), as mixed-precision training does.
 *
 * Layout: WGSL's core `pack2x16float` (no `shader-f16` feature needed) puts two channels in one
 * 32-bit word, and the words live in an ordinary float32 tensor of shape [N, H, W, C/2], so
 * tfjs's buffers, the replayed plan's bindings (all `array<f32>`) and the traffic count need no
 * change. Word w of a pixel holds channel w in its low half and channel w + C/2 in its high half:
 * the implicit-GEMM tile gives a thread the columns tx + j·C/4 (j = 0..3), so each thread owns
 * whole words (implicit-gemm.ts's `packOutput`) and no thread writes half a word.
 *
 * A word only moves between memory and `bitcast`, never through f32 arithmetic, so its bits are
 * kept even where they read as an f32 NaN or subnormal (which needs the high half to be an f16
 * infinity, NaN, zero or tiny subnormal).
 *
 * Which tensors are packed is read from their shapes: a BN layer's input whose last dimension is
 * half the layer's channel count holds f16 pairs (`isHalf`).
 */

/** Whether `shape` (a BN layer's input of `channels` channels) holds f16 pairs. */
export function isHalf(shape: readonly number[], channels: number): boolean {
  const last = shape[shape.length - 1]!;
  if (last === channels) return false;
  if (last * 2 === channels) return true;
  throw new Error(`half-act: a ${shape.join('×')} tensor is not a ${channels}-channel input`);
}

/** The shape as the conv and BN layers see it: C channels, not C/2 words. */
export function logicalShape(shape: readonly number[], channels: number): number[] {
  return isHalf(shape, channels) ? [...shape.slice(0, -1), channels] : [...shape];
}

/** Name of the WGSL function `halfReadWgsl` declares for binding `name`. */
const reader = (name: string) => `${name}_f16`;

/**
 * WGSL declaring `fn <name>_f16(i, ch) -> f32`: the value at logical flat index i (channel ch)
 * of the packed binding `name`, a tensor of `channels` channels.
 */
function halfReadWgsl(name: string, channels: number): string {
  const half = channels / 2;
  return `
      fn ${reader(name)}(i : i32, ch : i32) -> f32 {
        let pair = unpack2x16float(bitcast<u32>(${name}[(i - ch) / 2 + ch % ${half}]));
        return select(pair.x, pair.y, ch >= ${half});
      }`;
}

/**
 * WGSL reading binding `name` at logical flat index `i` of channel `ch`: a plain load, or the
 * `halfReadWgsl` function's (which the program must declare) when `half`.
 */
export function readAct(name: string, half: boolean, i: string, ch: string): string {
  return half ? `${reader(name)}(${i}, ${ch})` : `${name}[${i}]`;
}

/** The helper declarations a program needs for its packed bindings (none when not half). */
export function halfHelpers(half: boolean, name: string, channels: number): string {
  return half ? halfReadWgsl(name, channels) : '';
}
