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
 * Elements per block. The kernels walk the tensor in blocks and, inside a block, the tasks in
 * groups of up to four with the group's arrays in locals (V8 keeps them in registers; indexing
 * `deltas[t][i]` in the inner loop costs 3× more). Per-element sums live in a float64 scratch
 * block that stays in L1. Every element sees exactly the operations of the plain per-element
 * loop (the same additions in the same task order, starting from +0), so results are bit-identical.
 */
const BLOCK = 2048;
const accScratch = new Float64Array(BLOCK);
const auxScratch = new Float64Array(BLOCK);
const signScratch = new Float64Array(BLOCK);

/** acc[j] (+)= Σ_{t in group} w_t·d_t[s+j], tasks in order; `first` starts from +0. */
function addWeightedGroup(
  acc: Float64Array,
  deltas: readonly Float32Array[],
  weights: Float64Array,
  g: number,
  s: number,
  len: number,
  first: boolean,
): void {
  const count = Math.min(4, deltas.length - g);
  const a = deltas[g];
  const wa = weights[g];
  if (count === 1) {
    for (let j = 0; j < len; j++) acc[j] = (first ? 0 : acc[j]) + wa * a[s + j];
    return;
  }
  const b = deltas[g + 1];
  const wb = weights[g + 1];
  if (count === 2) {
    for (let j = 0; j < len; j++) acc[j] = (first ? 0 : acc[j]) + wa * a[s + j] + wb * b[s + j];
    return;
  }
  const c = deltas[g + 2];
  const wc = weights[g + 2];
  if (count === 3) {
    for (let j = 0; j < len; j++)
      acc[j] = (first ? 0 : acc[j]) + wa * a[s + j] + wb * b[s + j] + wc * c[s + j];
    return;
  }
  const d = deltas[g + 3];
  const wdd = weights[g + 3];
  for (let j = 0; j < len; j++)
    acc[j] = (first ? 0 : acc[j]) + wa * a[s + j] + wb * b[s + j] + wc * c[s + j] + wdd * d[s + j];
}

/** Task arithmetic without trimming or consensus: out = base + scale·(Σ w_t·d_t)[/divisor]. */
function weightedSumInto(
  out: Float32Array,
  base: Float32Array,
  deltas: readonly Float32Array[],
  weights: Float64Array,
  scale: number,
  divisor: number | undefined,
): void {
  const n = out.length;
  const acc = accScratch;
  for (let s = 0; s < n; s += BLOCK) {
    const len = Math.min(BLOCK, n - s);
    if (deltas.length === 0) acc.fill(0, 0, len);
    for (let g = 0; g < deltas.length; g += 4) addWeightedGroup(acc, deltas, weights, g, s, len, g === 0);
    if (divisor === undefined) for (let j = 0; j < len; j++) out[s + j] = base[s + j] + scale * acc[j];
    else for (let j = 0; j < len; j++) out[s + j] = base[s + j] + scale * (acc[j] / divisor);
  }
}

/** Trimmed task arithmetic without consensus: out = base + scale·(Σ_{|d_t| ≥ thr_t} w_t·d_t)[/divisor]. */
function thresholdedSumInto(
  out: Float32Array,
  base: Float32Array,
  deltas: readonly Float32Array[],
  weights: Float64Array,
  thresholds: Float64Array,
  scale: number,
  divisor: number | undefined,
): void {
  const taskCount = deltas.length;
  for (let i = 0; i < out.length; i++) {
    let mixed = 0;
    for (let t = 0; t < taskCount; t++) {
      const v = deltas[t][i];
      if (Math.abs(v) >= thresholds[t]) mixed += weights[t] * v;
    }
    if (divisor !== undefined) mixed /= divisor;
    out[i] = base[i] + scale * mixed;
  }
}

/** TIES elect + disjoint merge (see the module comment), blocked, tasks one at a time. */
function consensusInto(
  out: Float32Array,
  base: Float32Array,
  deltas: readonly Float32Array[],
  weights: Float64Array,
  thresholds: Float64Array,
  scale: number,
  isNormalized: boolean,
): void {
  const n = out.length;
  const taskCount = deltas.length;
  const mixed = accScratch;
  const divisor = auxScratch;
  const majority = signScratch;
  for (let s = 0; s < n; s += BLOCK) {
    const len = Math.min(BLOCK, n - s);
    // Elect: the sign of the kept mass (zero → +1). Comparisons become 0/1 factors instead of
    // branches (trim and sign agreement are data-dependent coin flips that a branch predictor
    // cannot learn). A trimmed entry then adds ±0 instead of nothing, which changes at most the
    // sign of a zero mass, and the `>= 0` test does not see it.
    majority.fill(0, 0, len);
    for (let t = 0; t < taskCount; t++) {
      const d = deltas[t];
      const w = weights[t];
      const thr = thresholds[t];
      for (let j = 0; j < len; j++) {
        const v = d[s + j];
        majority[j] += Number(Math.abs(v) >= thr) * (w * v);
      }
    }
    for (let j = 0; j < len; j++) majority[j] = 2 * Number(majority[j] >= 0) - 1;
    // Disjoint merge: kept entries whose weighted sign agrees. The sums start at +0 and gain
    // either agreeing non-zero terms or ±0 (x + ±0 = x for every x but −0, which a sum starting
    // at +0 never reaches), so they equal the skipping loop's sums bit for bit.
    mixed.fill(0, 0, len);
    divisor.fill(0, 0, len);
    for (let t = 0; t < taskCount; t++) {
      const d = deltas[t];
      const w = weights[t];
      const thr = thresholds[t];
      for (let j = 0; j < len; j++) {
        const v = d[s + j];
        const wd = w * v;
        const keep = Number(Math.abs(v) >= thr) * Number(wd * majority[j] > 0);
        mixed[j] += keep * wd;
        divisor[j] += keep * w;
      }
    }
    if (isNormalized) {
      // A zero divisor counts as 1 (div + 1 = 1 there, div + 0 = div elsewhere).
      for (let j = 0; j < len; j++) {
        const div = divisor[j];
        out[s + j] = base[s + j] + scale * (mixed[j] / (div + Number(div === 0)));
      }
    } else {
      for (let j = 0; j < len; j++) out[s + j] = base[s + j] + scale * mixed[j];
    }
  }
}

/**
 * Writes θ0 + λ·combine(τ') into `out`. Allocation-free; accumulates in float64. Inputs must be
 * finite for meaningful results (the engine refuses NaN/Inf: before the method runs, or for the
 * methods marked `propagatesNonFinite` by checking the output, where any NaN/Inf input shows up).
 */
export function generalizedTaskArithmeticInto(
  out: Float32Array,
  base: Float32Array,
  deltas: readonly Float32Array[],
  weights: Float64Array,
  options: GeneralizedTaskArithmeticOptions,
): Float32Array {
  const taskCount = deltas.length;
  const { isConsensus, isNormalized, scale } = options;
  let weightSum = 0;
  for (let t = 0; t < taskCount; t++) weightSum += weights[t];
  const plainDivisor = Math.abs(weightSum) < ZERO_DIVISOR_EPS ? 1 : weightSum;
  const thresholds = options.thresholds ?? new Float64Array(taskCount);
  if (isConsensus) {
    consensusInto(out, base, deltas, weights, thresholds, scale, isNormalized);
  } else if (thresholds.every((x) => x === 0)) {
    weightedSumInto(out, base, deltas, weights, scale, isNormalized ? plainDivisor : undefined);
  } else {
    thresholdedSumInto(
      out,
      base,
      deltas,
      weights,
      thresholds,
      scale,
      isNormalized ? plainDivisor : undefined,
    );
  }
  return out;
}
