import { wasmConsensusInto, wasmWeightedSumInto } from './wasm/task-arithmetic-wasm.js';

/**
 * The combining step shared by Task Arithmetic, TIES, DARE, Breadcrumbs and DELLA, as in
 * mergekit's `GeneralizedTaskArithmeticMerge` (arcee-ai/mergekit
 * `mergekit/merge_methods/generalized_task_arithmetic.py`; merging.md §2.1–2.5):
 *
 * ```
 * wd_t  = w_t · τ'_t                                   (τ'_t: the sparsified task vector)
 * consensus: s = sign(Σ_t wd_t) with 0 → +1;  keep_t = sign(wd_t) == s     (TIES "elect", sum)
 * mixed = Σ_t wd_t·keep_t ;  divisor = Σ_t w_t·keep_t   (without consensus: keep_t = 1)
 * normalize: mixed /= divisor, where a zero divisor counts as 1
 * θ = θ0 + λ·mixed
 * ```
 *
 * The arithmetic runs in WebAssembly SIMD kernels (wasm/task-arithmetic.wat), block by block, in
 * float32 (weights, thresholds and λ as float32; a float64 threshold is rounded up, which keeps the
 * same entries) with the operations of the plain per-element loop in the same order, so results
 * are bit-identical to that loop with every operation rounded to float32
 * (generalized-task-arithmetic.test.ts checks this). Merges compute in float32, as PyTorch and
 * mergekit do.
 */
export interface GeneralizedTaskArithmeticOptions {
  /** TIES sign election ("sum" method): drop entries whose sign disagrees with the mass-weighted majority. */
  readonly isConsensus: boolean;
  /** Divide by the (kept) weights: `dis-mean` in TIES terms; false is `dis-sum`. */
  readonly isNormalized: boolean;
  /** λ, the global scaling coefficient. */
  readonly scale: number;
  /**
   * Optional per-task magnitude thresholds: entries with |τ_t[i]| below thresholds[t] count as
   * zero (TIES trim without materialising trimmed copies: one tensor's worth of memory less per task).
   */
  readonly thresholds?: Float64Array;
}

// mergekit treats |Σw| < 1e-8 as zero when normalising without consensus (divisor → 1), so that
// weights that cancel exactly do not divide by zero.
const ZERO_DIVISOR_EPS = 1e-8;

/**
 * Writes θ0 + λ·combine(τ') into `out` and returns the index of its first NaN/±Inf element, −1 when
 * all are finite (checked as the values are written; the executor then skips its own scan).
 * Allocates nothing tensor-sized (the kernels work through a small scratch block). Inputs must
 * be finite for meaningful results (the engine refuses NaN/Inf: before the method runs, or for
 * the methods marked `propagatesNonFinite` by checking the output, where any NaN/Inf input shows
 * up). `out` may alias `base`.
 */
export function generalizedTaskArithmeticInto(
  out: Float32Array,
  base: Float32Array,
  deltas: readonly Float32Array[],
  weights: Float64Array,
  options: GeneralizedTaskArithmeticOptions,
): number {
  const taskCount = deltas.length;
  const { isConsensus, isNormalized, scale } = options;
  let weightSum = 0;
  for (let t = 0; t < taskCount; t++) weightSum += weights[t];
  const plainDivisor = Math.abs(weightSum) < ZERO_DIVISOR_EPS ? 1 : weightSum;
  const thresholds = options.thresholds ?? new Float64Array(taskCount);
  return isConsensus
    ? wasmConsensusInto(out, base, deltas, weights, thresholds, scale, isNormalized)
    : wasmWeightedSumInto(
        out,
        base,
        deltas,
        weights,
        thresholds,
        scale,
        isNormalized ? plainDivisor : undefined,
      );
}
