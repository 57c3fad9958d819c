import { wasmBase64 } from './task-arithmetic.wasm.js';

/**
 * Block-wise driver of the WebAssembly SIMD task-arithmetic kernels (task-arithmetic.wat): copies
 * a block of every input into the module's memory (the block stays in L2; the copy is the read
 * from main memory the kernel needs anyway), runs the kernel on it and copies the output block
 * back. Results are bit-identical to the scalar per-element loop with every operation rounded to
 * float32 (same operations in the same order). One instance per thread (module state),
 * synchronous: a merge worker calls it between its own awaits. The padded tail of a short block
 * (up to 15 elements past its end) is computed on stale scratch and never copied out; a NaN there
 * can only cost a rescan.
 */
interface Kernels {
  readonly memory: WebAssembly.Memory;
  weightedSum(
    out: number,
    base: number,
    d0: number,
    stride: number,
    tasks: number,
    params: number,
    n: number,
    scale: number,
    divisor: number,
    divide: number,
    trim: number,
  ): number;
  bracketCount(x: number, n: number, counts: number, buf: number, cap: number, groups: number): void;
  consensus(
    out: number,
    base: number,
    d0: number,
    stride: number,
    tasks: number,
    params: number,
    n: number,
    scale: number,
    normalize: number,
  ): number;
}

/**
 * Elements per block of the TIES kernel: 16 KiB per f32 input (with 4 experts, 96 KiB of scratch:
 * L2-resident). Larger blocks measured no better for it: 8192 and 16384 elements as fast or slower
 * (noisy), 32768 about 10 % faster but with 768 KiB of scratch, most of this machine's 1 MiB L2.
 */
const CONSENSUS_BLOCK = 4096;
/**
 * Elements per block of the weighted sum: 64 KiB per input. Its kernel is light, so the copies are
 * most of its time, and they stream faster in larger pieces (with 4 experts, 6 copies of a 16M-
 * element tensor: 26.5 ms in 4096-element pieces, 19 ms in 16384; the whole merge 31 → 25 ms).
 */
const SUM_BLOCK = 16384;
const PAGE = 65536;
/** Bytes [0, RESERVED) hold the module's own constant tables (its data segment). */
const RESERVED = 512;
/** Byte offset of the (w_t, thr_t) f32 parameter table. */
const PARAMS_AT = RESERVED;

let kernels: Kernels | undefined;

function instance(): Kernels {
  if (kernels === undefined) {
    const module = new WebAssembly.Module(Buffer.from(wasmBase64, 'base64'));
    kernels = new WebAssembly.Instance(module).exports as unknown as Kernels;
  }
  return kernels;
}

/** The module memory laid out for one call: parameters, then base, output and T task blocks. */
interface Layout {
  readonly k: Kernels;
  readonly f32: Float32Array;
  /** Elements per block. */
  readonly block: number;
  /** Bytes per block (the blocks' distance). */
  readonly stride: number;
  readonly base: number;
  readonly out: number;
  readonly d0: number;
}

/** Lays out the scratch for `tasks` task vectors and writes their (w_t, thr_t) table. */
function layout(weights: Float64Array, thresholds: Float64Array, block: number): Layout {
  const k = instance();
  const tasks = weights.length;
  const stride = block * 4;
  const base = Math.ceil((PARAMS_AT + tasks * 8) / stride) * stride;
  const out = base + stride;
  const d0 = out + stride;
  const need = d0 + Math.max(1, tasks) * stride;
  const have = k.memory.buffer.byteLength;
  if (need > have) k.memory.grow(Math.ceil((need - have) / PAGE));
  const table = new Float32Array(k.memory.buffer, PARAMS_AT, 2 * tasks);
  for (let t = 0; t < tasks; t++) {
    table[2 * t] = weights[t];
    table[2 * t + 1] = float32AtLeast(thresholds[t]);
  }
  return { k, f32: new Float32Array(k.memory.buffer), block, stride, base, out, d0 };
}

/** Copies elements [s, s + len) of base and every task vector into the scratch blocks. */
function copyIn(
  l: Layout,
  base: Float32Array,
  deltas: readonly Float32Array[],
  s: number,
  len: number,
): void {
  const whole = s === 0 && len === base.length;
  l.f32.set(whole ? base : base.subarray(s, s + len), l.base >>> 2);
  for (let t = 0; t < deltas.length; t++)
    l.f32.set(whole ? deltas[t] : deltas[t].subarray(s, s + len), (l.d0 + t * l.stride) >>> 2);
}

const f32Bits = new Float32Array(1);
const u32Bits = new Uint32Array(f32Bits.buffer);

/**
 * The smallest float32 ≥ x, so that for every float32 v, |v| ≥ x ⟺ |v| ≥ float32AtLeast(x): the
 * kernels compare in float32 without changing which entries a float64 threshold keeps.
 */
export function float32AtLeast(x: number): number {
  f32Bits[0] = x;
  if (!(f32Bits[0] < x)) return f32Bits[0]; // exact, rounded up, or NaN
  // rounded down: the next float32 towards +∞ (a positive one grows, a negative one shrinks)
  if (f32Bits[0] >= 0) u32Bits[0] += 1;
  else u32Bits[0] -= 1;
  return f32Bits[0];
}

function copyOut(l: Layout, outBlock: Float32Array, out: Float32Array, s: number, len: number): void {
  out.set(len === l.block ? outBlock : outBlock.subarray(0, len), s);
}

/** The first NaN/±Inf in out[s, s + len) (a block the kernel flagged). */
function firstNonFiniteIn(out: Float32Array, s: number, len: number): number {
  for (let i = s; i < s + len; i++) if (!Number.isFinite(out[i])) return i;
  return -1;
}

/**
 * Runs `kernel` on every block of the tensor (copy in, kernel on `n` padded elements, copy out) and
 * returns the index of the first non-finite output, or −1.
 */
function forEachBlock(
  l: Layout,
  out: Float32Array,
  base: Float32Array,
  deltas: readonly Float32Array[],
  kernel: (n: number) => number,
): number {
  let firstBad = -1;
  const outBlock = l.f32.subarray(l.out >>> 2, (l.out >>> 2) + l.block);
  for (let s = 0; s < out.length; s += l.block) {
    const len = Math.min(l.block, out.length - s);
    copyIn(l, base, deltas, s, len);
    const bad = kernel((len + 15) & ~15);
    copyOut(l, outBlock, out, s, len);
    if (bad !== 0 && firstBad < 0) firstBad = firstNonFiniteIn(out, s, len);
  }
  return firstBad;
}

/**
 * out = base + scale·(Σ_t [|d_t| ≥ thr_t]·w_t·d_t)[/divisor]: task arithmetic and its trimmed form
 * (thresholds 0 keep everything). divisor undefined: no division. Returns the index of the first
 * NaN/±Inf written to `out`, −1 when every output is finite (checked by the kernel as it writes).
 */
export function wasmWeightedSumInto(
  out: Float32Array,
  base: Float32Array,
  deltas: readonly Float32Array[],
  weights: Float64Array,
  thresholds: Float64Array,
  scale: number,
  divisor: number | undefined,
): number {
  const l = layout(weights, thresholds, SUM_BLOCK);
  const trim = thresholds.some((x) => x !== 0) ? 1 : 0;
  const divide = divisor === undefined ? 0 : 1;
  return forEachBlock(l, out, base, deltas, (n) =>
    l.k.weightedSum(
      l.out,
      l.base,
      l.d0,
      l.stride,
      deltas.length,
      PARAMS_AT,
      n,
      scale,
      divisor ?? 1,
      divide,
      trim,
    ),
  );
}

/**
 * TIES elect (sign of the kept mass, 0 → +1) and disjoint mean or sum, see
 * generalized-task-arithmetic.ts. Returns the first non-finite output's index, or −1.
 */
export function wasmConsensusInto(
  out: Float32Array,
  base: Float32Array,
  deltas: readonly Float32Array[],
  weights: Float64Array,
  thresholds: Float64Array,
  scale: number,
  isNormalized: boolean,
): number {
  const l = layout(weights, thresholds, CONSENSUS_BLOCK);
  const normalize = isNormalized ? 1 : 0;
  return forEachBlock(l, out, base, deltas, (n) =>
    l.k.consensus(l.out, l.base, l.d0, l.stride, deltas.length, PARAMS_AT, n, scale, normalize),
  );
}

/**
 * Scratch of {@link wasmBracketCount}: the two counters and the bracket, the kernel's list of
 * groups (one i32 per 16 elements of a block), then one input block, then the buffer.
 */
const COUNTS_AT = RESERVED;
const GROUPS_AT = COUNTS_AT + 16;
/**
 * Elements per block of {@link wasmBracketCount}: 32 KiB, which stay in L1 between the copy, the
 * counting loop and the compaction that reads the groups with entries inside again.
 */
const BRACKET_BLOCK = 8192;
const BRACKET_BLOCK_AT = 16384;
const BRACKET_BUF_AT = BRACKET_BLOCK_AT + BRACKET_BLOCK * 4;

/** What {@link wasmBracketCount} found. */
export interface BracketCount {
  /** Entries with |x| > hi. */
  readonly above: number;
  /** Entries with lo ≤ |x| ≤ hi (all of them, even past the buffer's capacity). */
  readonly inside: number;
  /** |x| of the entries inside the bracket, in input order; null when there were more than `cap`. */
  readonly values: Float32Array | null;
}

/**
 * One SIMD pass over `x`: counts |x| > hi and lo ≤ |x| ≤ hi and collects the latter (up to `cap`
 * of them). The counting pass of the exact k-th largest magnitude (kth-largest-abs.ts).
 */
export function wasmBracketCount(x: Float32Array, lo: number, hi: number, cap: number): BracketCount {
  const k = instance();
  const need = BRACKET_BUF_AT + (cap + 4) * 4; // the kernel may store up to 4 lanes past cap
  const have = k.memory.buffer.byteLength;
  if (need > have) k.memory.grow(Math.ceil((need - have) / PAGE));
  const mem = k.memory.buffer;
  const counts = new Int32Array(mem, COUNTS_AT, 2);
  counts[0] = 0;
  counts[1] = 0;
  const bracket = new Float32Array(mem, COUNTS_AT + 8, 2);
  bracket[0] = lo;
  bracket[1] = hi;
  const block = new Float32Array(mem, BRACKET_BLOCK_AT, BRACKET_BLOCK);
  for (let s = 0; s < x.length; s += BRACKET_BLOCK) {
    const len = Math.min(BRACKET_BLOCK, x.length - s);
    block.set(x.subarray(s, s + len));
    // the tail's padding lanes hold NaN, which no comparison counts
    if (len < BRACKET_BLOCK) block.fill(Number.NaN, len, (len + 15) & ~15);
    k.bracketCount(BRACKET_BLOCK_AT, (len + 15) & ~15, COUNTS_AT, BRACKET_BUF_AT, cap, GROUPS_AT);
  }
  const inside = counts[1];
  return {
    above: counts[0],
    inside,
    values: inside <= cap ? new Float32Array(mem, BRACKET_BUF_AT, inside).slice() : null,
  };
}
