import { kthLargestInPlace } from './kth-largest-abs.js';

/**
 * The statistics PCB-Merging normalises with, per task (Du et al., arXiv:2410.02396;
 * duguodong7/pcb-merging `pcb-merging.py::PCB_merge`): the |τ| clip bounds [aLo, aHi] (quantiles
 * c and 1−c), and the balance-score clip floor bLo (quantile 1−r) and maximum bMax.
 */
export interface PcbTaskBounds {
  readonly aLo: number;
  readonly aHi: number;
  readonly bLo: number;
  readonly bMax: number;
}

/**
 * Upstream `clamp(x, min_ratio, max_ratio)`'s bounds: sorted[⌊n·lo⌋] and sorted[⌊n·(1−hi)⌋ − 1].
 * Returns [lower, upper] (n > 0), reordering a copy only.
 */
export function quantileBounds(values: Float32Array, loRatio: number, hiRatio: number): [number, number] {
  const n = values.length;
  if (n === 0) return [0, 0];
  const loIndex = Math.min(n - 1, Math.floor(n * loRatio));
  const hiIndex = Math.min(n - 1, Math.max(0, Math.floor(n * (1 - hiRatio)) - 1));
  const scratch = Float32Array.from(values);
  const lower = kthLargestInPlace(scratch, n - loIndex);
  const upper = kthLargestInPlace(scratch, n - hiIndex);
  return [lower, upper];
}

/**
 * Balance scores B = exp(T·minmax(A)²) · tanh(x ⊙ Σ_j x_j) (intra × inter, NLP variant) of one
 * task's values `x` with the cross-task sums `total`, written into `out`; A = clip(|x|, aLo, aHi).
 */
export function pcbBalanceInto(
  out: Float32Array,
  x: Float32Array,
  total: Float32Array,
  taskCount: number,
  aLo: number,
  aHi: number,
): Float32Array {
  const aSpan = aHi - aLo;
  for (let i = 0; i < x.length; i++) {
    const a = Math.min(Math.max(Math.abs(x[i]), aLo), aHi);
    const normalised = aSpan > 0 ? (a - aLo) / aSpan : 0;
    out[i] = Math.exp(taskCount * normalised * normalised) * Math.tanh(x[i] * total[i]);
  }
  return out;
}

/** The bounds of one task measured on `x` (a whole tensor, or a sample of the whole model). */
export function pcbBoundsOf(
  x: Float32Array,
  total: Float32Array,
  taskCount: number,
  clipRatio: number,
  ratio: number,
): PcbTaskBounds {
  const magnitude = Float32Array.from(x, Math.abs);
  const [aLo, aHi] = quantileBounds(magnitude, clipRatio, clipRatio);
  const balance = pcbBalanceInto(new Float32Array(x.length), x, total, taskCount, aLo, aHi);
  const [bLo] = quantileBounds(balance, 1 - ratio, 0);
  let bMax = -Infinity;
  for (let i = 0; i < balance.length; i++) if (balance[i] > bMax) bMax = balance[i];
  return { aLo, aHi, bLo, bMax };
}

// Divisor floor of upstream's `torch.clamp(sum(scale), min=1e-12)`.
const SCALE_SUM_MIN = 1e-12;

/**
 * θ = θ0 + Σ_t c_t · sign(x_t)·A_t ⊙ s_t / max(Σ_t s_t, 1e-12), with s_t = minmax(clip(B_t, bLo, bMax))
 * (only the top-r balance scores are non-zero) and c_t = λ_t·w_t. Zero spans give 0 (upstream: NaN).
 */
export function pcbMergeInto(
  out: Float32Array,
  base: Float32Array,
  deltas: readonly Float32Array[],
  coefficients: Float64Array,
  boundsOf: (taskIndex: number, total: Float32Array) => PcbTaskBounds,
): Float32Array {
  const taskCount = deltas.length;
  const n = base.length;
  const total = new Float32Array(n);
  for (let t = 0; t < taskCount; t++) for (let i = 0; i < n; i++) total[i] += deltas[t][i];
  const numerator = new Float64Array(n);
  const scaleSum = new Float64Array(n);
  const balance = new Float32Array(n);
  for (let t = 0; t < taskCount; t++) {
    const x = deltas[t];
    const { aLo, aHi, bLo, bMax } = boundsOf(t, total);
    pcbBalanceInto(balance, x, total, taskCount, aLo, aHi);
    const bSpan = bMax - bLo;
    for (let i = 0; i < n; i++) {
      const b = Math.min(Math.max(balance[i], bLo), bMax);
      const scale = bSpan > 0 ? (b - bLo) / bSpan : 0;
      const a = Math.min(Math.max(Math.abs(x[i]), aLo), aHi);
      numerator[i] += coefficients[t] * Math.sign(x[i]) * a * scale;
      scaleSum[i] += scale;
    }
  }
  for (let i = 0; i < n; i++) out[i] = base[i] + numerator[i] / Math.max(scaleSum[i], SCALE_SUM_MIN);
  return out;
}
