/**
 * One generator for the engine's convolutions written as implicit GEMMs,
 *   out[k, n] = Σ_m A[k, m] · B[m, n]   (out row-major [K, N]),
 * where A and B are never materialised: each kernel says in WGSL how to fetch one A value (a
 * gathered input pixel, with BN + ReLU or BN backward applied as it loads) and one B value (a
 * weight), and the generator tiles the product through workgroup memory: TM × TN outputs per
 * workgroup, RM × RN per thread in registers, TK values of m staged per step. The forward conv
 * (conv-forward.ts), the input-gradient conv (conv-input-grad.ts) and the filter gradient
 * (conv-filter-grad-program.ts) are specs of it. The filter gradient reduces over every pixel of
 * the batch, so its reduction may be split ("split-K"): workgroup z sums one slice of m and
 * writes its partial result at z·K·N; the slices are added by their consumer.
 */
import type { WebGPUProgram } from '@tensorflow/tfjs-backend-webgpu';
import { halfHelpers, readAct } from './half-act';

const TILE_M = 64;
const TILE_K = 16;
const PER_THREAD = 4;

export interface GemmSpec {
  /** Pipeline key: every constant baked into the WGSL must be in it. */
  shaderKey: string;
  variableNames: string[];
  /** Of those, the ones the loads also write (a plan binds them read_write: fuse-apply.ts). */
  writes?: string[];
  /** Extra uniform fields (WGSL struct members), if the loads read any. */
  uniforms?: string;
  outputShape: number[];
  /** Output rows (pixels), columns (channels) and the reduction length. */
  K: number;
  N: number;
  M: number;
  /** WGSL helper functions, constants and workgroup arrays the loads use. */
  helpers: string;
  /** Statements every thread runs first (`tid`, THREADS in scope); a barrier follows. */
  setup?: string;
  /** Statements run once per thread for the output row `ak` it stages (decode the pixel). */
  rowSetup: string;
  /** Statements setting `v` to A[ak, m] (row valid, m < M; `v` starts at 0). */
  loadA: string;
  /** Statements setting `v` to B[m, bn] (column valid, m < M). */
  loadB: string;
  /**
   * Statements run on each output value before it is stored, with `v` (a var) the value and `i`
   * its flat index in the output (within its split-K slice).
   */
  epilogue?: string;
  /** FLOPs, 2 per multiply-add, for the traffic counter (scripts/bench/traffic.ts). */
  flops: number;
  /** Split the reduction into `splits` slices of `sliceM` (a multiple of 16) each. */
  split?: { splits: number; sliceM: number };
  /**
   * Also write each workgroup's per-column mean and sum of squared deviations over its rows to
   * `partials` [tiles of K, 2, N] (a binding only a replayed plan declares: replay/fuse-stats.ts).
   */
  tileStats?: boolean;
  /** Also reduce a BN layer's backward sums over each tile (`TileSums`). */
  tileSums?: TileSums;
  /**
   * Store the output as f16 pairs (ops/half-act.ts): `outputShape`'s last dimension is N/2, and
   * the registers are rounded to f16 first, so tile statistics describe the values stored.
   * Needs the tile to span every column (N = TN) and no epilogue or split.
   */
  packOutput?: boolean;
}

/**
 * The output is the gradient at a BN layer's output, and each workgroup also writes its tile's
 * per-column Σdy·x̂ and Σdy to `partials` [tiles of K, 2, N] (a binding only a replayed plan
 * declares: replay/fuse-sums.ts). dy is the value stored (after any epilogue), masked by
 * γ·x̂ + β > 0 where `mask` says so (flat-bn.ts's `bnSums`, whose mask is `bnApply`'s).
 */
export interface TileSums {
  /** The binding the tile reads the layer's input z from (a variable it adds: same shape). */
  x: string;
  /** The binding of a [6, T] BN sums chain whose rows 2–5 hold the layer's stats and γ, β. */
  sums: string;
  /** The layer's offset in T, and T. */
  offset: number;
  total: number;
  eps: number;
  /** Whether dy is the value masked by γ·x̂ + β > 0 (else the stored value itself). */
  mask: boolean;
  /** Whether z is stored as f16 pairs (ops/half-act.ts). */
  half?: boolean;
}

/** Output columns per workgroup for N columns (16 and 32 channels are common in CIFAR ResNets). */
export function gemmTileN(n: number): number {
  return n <= 16 ? 16 : n <= 32 ? 32 : 64;
}

/** Output rows per workgroup and reduction values staged per step. */
export const GEMM_TILE_M = TILE_M;
export const GEMM_TILE_K = TILE_K;

export class ImplicitGemmProgram implements WebGPUProgram {
  outputShape: number[];
  shaderKey: string;
  variableNames: string[];
  uniforms?: string;
  dispatchLayout = { x: [0], y: [1] };
  dispatch: [number, number, number];
  workgroupSize: [number, number, number];
  /** 2 per multiply-add. */
  readonly flops: number;
  private readonly spec: GemmSpec;
  private readonly tileN: number;

  constructor(spec: GemmSpec) {
    this.spec = spec;
    this.tileN = gemmTileN(spec.N);
    this.outputShape = spec.outputShape;
    this.variableNames = spec.variableNames;
    if (spec.uniforms) this.uniforms = spec.uniforms;
    this.workgroupSize = [this.tileN / PER_THREAD, TILE_M / PER_THREAD, 1];
    const splits = spec.split?.splits ?? 1;
    this.dispatch = [Math.ceil(spec.N / this.tileN), Math.ceil(spec.K / TILE_M), splits];
    this.shaderKey = `${spec.shaderKey}_${this.tileN}`;
    this.flops = spec.flops;
    if (spec.packOutput && (this.tileN !== spec.N || spec.epilogue || splits > 1))
      throw new Error(`ImplicitGemmProgram: cannot pack ${spec.N} columns as f16 pairs`);
  }

  /**
   * This program writing its output's per-tile column statistics too (`GemmSpec.tileStats`), or
   * null where the stored values are not the plain sums (an epilogue) or a tile is split.
   */
  withTileStats(): ImplicitGemmProgram | null {
    if (this.spec.epilogue || (this.spec.split?.splits ?? 1) > 1) return null;
    const key = this.spec.shaderKey + '_tileStats';
    return new ImplicitGemmProgram({ ...this.spec, shaderKey: key, tileStats: true });
  }

  /**
   * This program writing its output's per-tile BN backward sums too (`TileSums`) over the values
   * it stores, reading z from a new last variable `t.x`; null where a tile is split.
   */
  withTileSums(t: TileSums): ImplicitGemmProgram | null {
    if ((this.spec.split?.splits ?? 1) > 1) return null;
    return new ImplicitGemmProgram({
      ...this.spec,
      shaderKey: `${this.spec.shaderKey}_tileSums_${t.offset}_${t.total}_${t.mask}${t.half ? '_half' : ''}`,
      variableNames: [...this.spec.variableNames, t.x],
      tileSums: t,
    });
  }

  /** Whether the output is stored as f16 pairs (`GemmSpec.packOutput`). */
  get packsOutput(): boolean {
    return this.spec.packOutput === true;
  }

  /** Variables the loads write as well as read. */
  get writes(): string[] {
    return this.spec.writes ?? [];
  }

  /** N and K of the product: output columns (channels) and rows (pixels). */
  get columns(): number {
    return this.spec.N;
  }

  get rows(): number {
    return this.spec.K;
  }

  getUserCode(): string {
    const s = this.spec;
    const tn = this.tileN;
    const wx = tn / PER_THREAD;
    const wy = TILE_M / PER_THREAD;
    const threads = wx * wy;
    const sliceM = s.split?.sliceM ?? Math.ceil(s.M / TILE_K) * TILE_K;
    const lanes = [...Array(PER_THREAD).keys()];
    // The register tile is unrolled into scalars: SwiftShader's JIT (and some GPU compilers)
    // would keep a dynamically indexed private array in memory.
    const each = (f: (i: number, j: number) => string) =>
      lanes.flatMap((i) => lanes.map((j) => f(i, j))).join('\n');
    const product = [
      ...lanes.map((i) => `let a${i} = As[ar + ${i * wy}];`),
      ...lanes.map((j) => `let b${j} = Bs[br + ${j * wx}];`),
      each((i, j) => `c${i}_${j} = fma(a${i}, b${j}, c${i}_${j});`),
    ].join('\n');
    return `
      const GEMM_K = ${s.K};
      const GEMM_N = ${s.N};
      const GEMM_M = ${s.M};
      const TM = ${TILE_M};
      const TN = ${tn};
      const TK = ${TILE_K};
      const THREADS = ${threads};
      const A_STEP = ${threads / TILE_M};
      const B_STEP = ${threads / tn};

      var<workgroup> As : array<f32, ${TILE_K * TILE_M}>;
      var<workgroup> Bs : array<f32, ${TILE_K * tn}>;
      ${s.helpers}
      ${s.tileSums ? halfHelpers(s.tileSums.half === true, s.tileSums.x, s.N) : ''}

      ${
        // With tile sums, store returns the value stored (after the epilogue): the sums' dy.
        s.tileSums
          ? 'fn store(base : i32, k : i32, n : i32, value : f32) -> f32 {'
          : 'fn store(base : i32, k : i32, n : i32, value : f32) {'
      }
        var v = value;
        if (k < GEMM_K && n < GEMM_N) {
          let i = k * GEMM_N + n;
          ${s.epilogue ?? ''}
          result[base + i] = v;
        }
        ${s.tileSums ? 'return v;' : ''}
      }

      fn main() {
        // tfjs always binds its uniform buffer; a use keeps it in the 'auto' pipeline layout.
        _ = uniforms.NAN;
        let tid = i32(localIndex);
        ${
          s.setup
            ? `${s.setup}
        workgroupBarrier();`
            : ''
        }
        let tx = tid % ${wx};
        let ty = tid / ${wx};
        let k0 = i32(workgroupId.y) * TM;
        let n0 = i32(workgroupId.x) * TN;

        // This thread always stages the same output row of A and the same column of B.
        let ak = k0 + tid % TM;
        let aRow0 = tid / TM;
        let aValid = ak < GEMM_K;
        ${s.rowSetup}
        let bn = n0 + tid % TN;
        let bRow0 = tid / TN;
        let bValid = bn < GEMM_N;

        ${each((i, j) => `var c${i}_${j} = 0.0;`)}

        // This workgroup's slice of the reduction (all of it unless split). The trip count is a
        // constant: barriers must stay in uniform control flow, and workgroupId reaches the
        // shader through a private variable, which WGSL's analysis treats as non-uniform.
        let mBegin = i32(workgroupId.z) * ${sliceM};
        for (var t = 0; t < ${sliceM / TILE_K}; t++) {
          let m0 = mBegin + t * TK;
          for (var r = aRow0; r < TK; r += A_STEP) {
            let m = m0 + r;
            var v = 0.0;
            if (aValid && m < GEMM_M) {
              ${s.loadA}
            }
            As[r * TM + tid % TM] = v;
          }
          for (var r = bRow0; r < TK; r += B_STEP) {
            let m = m0 + r;
            var v = 0.0;
            if (bValid && m < GEMM_M) {
              ${s.loadB}
            }
            Bs[r * TN + tid % TN] = v;
          }
          workgroupBarrier();
          for (var kk = 0; kk < TK; kk++) {
            let ar = kk * TM + ty;
            let br = kk * TN + tx;
            ${product}
          }
          workgroupBarrier();
        }

        ${s.packOutput ? packedStores(wy, wx, each) : plainStores(s, wy, wx, each)}
        ${s.tileStats ? tileStatsWgsl(wy, wx, each) : ''}
        ${s.tileSums ? tileSumsWgsl(s.tileSums, wy, wx, each) : ''}
      }`;
  }
}

type Each = (f: (i: number, j: number) => string) => string;
const LANES = [...Array(PER_THREAD).keys()];

/** WGSL storing every register through `store` (with tile sums, keeping the value stored). */
function plainStores(s: GemmSpec, wy: number, wx: number, each: Each): string {
  return `let base = i32(workgroupId.z) * GEMM_K * GEMM_N;
        ${each((i, j) => `${s.tileSums ? `c${i}_${j} = ` : ''}store(base, k0 + ty + ${i * wy}, n0 + tx + ${j * wx}, c${i}_${j});`)}`;
}

/**
 * WGSL storing the registers as f16 pairs (ops/half-act.ts): with N = TN the thread's columns
 * tx + j·wx and tx + (j + 2)·wx are channels w and w + N/2 of word w = tx + j·wx. Each register
 * is rounded to f16 first, so the tile statistics that follow see the stored values.
 */
function packedStores(wy: number, wx: number, each: Each): string {
  const pairs = LANES.flatMap((i) =>
    [0, 1].map(
      (j) => `if (k0 + ty + ${i * wy} < GEMM_K) {
          result[(k0 + ty + ${i * wy}) * ${`(GEMM_N / 2)`} + tx + ${j * wx}] =
            bitcast<f32>(pack2x16float(vec2<f32>(c${i}_${j}, c${i}_${j + 2})));
        }`,
    ),
  );
  return `${each((i, j) => `c${i}_${j} = quantizeToF16(c${i}_${j});`)}
        ${pairs.join('\n        ')}`;
}

/**
 * WGSL adding each thread's per-column registers `name`0..3 over the tile's rows into `name`All
 * (threads tid < TN, column n0 + tid). It stages them in As, free once the product's last
 * barrier has passed, so the tile reductions need no workgroup memory of their own.
 */
function gatherColumns(name: string, wx: number, wy: number): string {
  return `
        ${LANES.map((j) => `As[ty * TN + tx + ${j * wx}] = ${name}${j};`).join('\n')}
        workgroupBarrier();
        var ${name}All = 0.0;
        if (tid < TN) { for (var r = 0; r < ${wy}; r++) { ${name}All = ${name}All + As[r * TN + tid]; } }
        workgroupBarrier();`;
}

/** WGSL: is the output row of register row i inside the product? */
const rowValid = (i: number, wy: number) => `k0 + ty + ${i * wy} < GEMM_K`;

/**
 * The tile's per-column mean and sum of squared deviations from it (two passes over the
 * registers, so no cancellation), for the plan's BN statistics (replay/fuse-stats.ts combines
 * the tiles as Chan et al.'s parallel variance does). Runs after the stores, in uniform control
 * flow: every thread reaches its barriers. The tile's means wait in Bs.
 */
function tileStatsWgsl(wy: number, wx: number, each: Each) {
  return `
        let tileRows = f32(min(TM, GEMM_K - k0));
        ${LANES.map((j) => `var s${j} = 0.0;`).join('\n')}
        ${each((i, j) => `if (${rowValid(i, wy)}) { s${j} = s${j} + c${i}_${j}; }`)}
        ${gatherColumns('s', wx, wy)}
        if (tid < TN) { Bs[tid] = sAll / tileRows; }
        workgroupBarrier();
        ${LANES.map((j) => `var q${j} = 0.0;`).join('\n')}
        ${each((i, j) => `if (${rowValid(i, wy)}) { let d = c${i}_${j} - Bs[tx + ${j * wx}]; q${j} = q${j} + d * d; }`)}
        ${gatherColumns('q', wx, wy)}
        if (tid < TN && n0 + tid < GEMM_N) {
          let at = i32(workgroupId.y) * 2 * GEMM_N + n0 + tid;
          partials[at] = Bs[tid];
          partials[at + GEMM_N] = qAll;
        }`;
}

/**
 * The tile's per-column BN backward sums (`TileSums`): Σdy·x̂ then Σdy, with x̂ and the mask
 * computed by the expressions `bnSums` uses. Runs after the stores, in uniform control flow.
 */
function tileSumsWgsl(t: TileSums, wy: number, wx: number, each: Each) {
  const at = (row: number) => `${t.sums}[${row * t.total + t.offset} + nc]`;
  return `
        ${LANES.map(
          (j) => `
        var mu${j} = 0.0; var rs${j} = 0.0; var ga${j} = 0.0; var be${j} = 0.0;
        if (n0 + tx + ${j * wx} < GEMM_N) {
          let nc = n0 + tx + ${j * wx};
          mu${j} = ${at(2)};
          rs${j} = inverseSqrt(${at(3)} + ${t.eps});
          ga${j} = ${at(4)};
          be${j} = ${at(5)};
        }
        var dx${j} = 0.0; var d${j} = 0.0;`,
        ).join('')}
        ${each(
          (i, j) => `if (${rowValid(i, wy)} && n0 + tx + ${j * wx} < GEMM_N) {
          let xh = (${readAct(t.x, t.half === true, `(k0 + ty + ${i * wy}) * GEMM_N + n0 + tx + ${j * wx}`, `n0 + tx + ${j * wx}`)} - mu${j}) * rs${j};
          let dy = ${t.mask ? `select(0.0, c${i}_${j}, ga${j} * xh + be${j} > 0.0)` : `c${i}_${j}`};
          dx${j} = dx${j} + dy * xh;
          d${j} = d${j} + dy;
        }`,
        )}
        ${gatherColumns('dx', wx, wy)}
        ${gatherColumns('d', wx, wy)}
        if (tid < TN && n0 + tid < GEMM_N) {
          let at = i32(workgroupId.y) * 2 * GEMM_N + n0 + tid;
          partials[at] = dxAll;
          partials[at + GEMM_N] = dAll;
        }`;
}
