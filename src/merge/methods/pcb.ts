import { z } from 'zod';
import { kthLargestInPlace } from '../kernels/kth-largest-abs.js';
import { expertNumber } from './expert-param.js';
import type { MergeMethod } from './merge-method.js';

/** Parameters of {@link pcbMethod}. */
export interface PcbParams {
  /** r, the fraction of entries per task that survive the balancing (`pcb_ratio`, scripts use 0.05, function default 0.1). */
  readonly ratio: number;
  /** λ_t per task (expert-overridable); upstream initialises at 1.2 and searches [0.8, 1.3]. */
  readonly lambda: number;
  /** Quantile clip of |τ| at both ends (NLP script 1e-4; vision 0.01). */
  readonly clip_ratio: number;
}

// Divisor floor of upstream's `torch.clamp(sum(scale), min=1e-12)`.
const SCALE_SUM_MIN = 1e-12;

/**
 * PCB-Merging, Parameter Competition Balancing (Du et al., arXiv:2410.02396; duguodong7/pcb-merging
 * `pcb-merging.py::PCB_merge`, NLP variant; merging.md §2.6), applied PER TENSOR: the upstream code
 * normalises and takes quantiles over the whole flattened model, which here become per-tensor
 * statistics (so every tensor keeps its own top-r). Per task t, with X the task vectors:
 * A = clip(|X_t|, q_c, q_{1−c}); intra = exp(T·minmax(A)²); inter = tanh(X_t ⊙ Σ_j X_j);
 * B = intra ⊙ inter; scale_t = minmax(clip(B, q_{1−r}, max));
 * θ = θ0 + Σ_t λ_t w_t sign(X_t)A ⊙ scale_t / max(Σ_t scale_t, 1e-12).
 * Zero spans in min-max normalisation give 0 (upstream would produce NaN).
 */
export const pcbMethod: MergeMethod<PcbParams> = {
  name: 'pcb',
  space: 'task-vector',
  paramsSchema: z.strictObject({
    ratio: z.number().gt(0).lte(1).default(0.1),
    lambda: z.number().finite().default(1.2),
    clip_ratio: z.number().gte(0).lt(0.5).default(1e-4),
  }),
  mergeTensorInto(out, input, params) {
    const { base, deltas, weights } = input;
    const taskCount = deltas.length;
    const n = base.length;
    const total = new Float32Array(n);
    for (let t = 0; t < taskCount; t++) for (let i = 0; i < n; i++) total[i] += deltas[t][i];
    const numerator = new Float64Array(n);
    const scaleSum = new Float64Array(n);
    const magnitude = new Float32Array(n);
    const balance = new Float32Array(n);
    for (let t = 0; t < taskCount; t++) {
      const x = deltas[t];
      for (let i = 0; i < n; i++) magnitude[i] = Math.abs(x[i]);
      const [aLo, aHi] = sortedAt(magnitude, params.clip_ratio, params.clip_ratio);
      const aSpan = aHi - aLo;
      for (let i = 0; i < n; i++) {
        const a = Math.min(Math.max(magnitude[i], aLo), aHi);
        magnitude[i] = a;
        const normalised = aSpan > 0 ? (a - aLo) / aSpan : 0;
        balance[i] = Math.exp(taskCount * normalised * normalised) * Math.tanh(x[i] * total[i]);
      }
      const [bLo] = sortedAt(balance, 1 - params.ratio, 0);
      let bMax = -Infinity;
      for (let i = 0; i < n; i++) if (balance[i] > bMax) bMax = balance[i];
      const bSpan = bMax - bLo;
      const coefficient = expertNumber(input, t, 'lambda', params.lambda) * weights[t];
      for (let i = 0; i < n; i++) {
        const b = Math.max(balance[i], bLo);
        const scale = bSpan > 0 ? (b - bLo) / bSpan : 0;
        numerator[i] += coefficient * Math.sign(x[i]) * magnitude[i] * scale;
        scaleSum[i] += scale;
      }
    }
    for (let i = 0; i < n; i++) out[i] = base[i] + numerator[i] / Math.max(scaleSum[i], SCALE_SUM_MIN);
  },
};

/**
 * Upstream `clamp(x, min_ratio, max_ratio)`'s bounds: sorted[⌊n·lo⌋] and sorted[⌊n·(1−hi)⌋ − 1].
 * Returns [lower, upper] (n > 0).
 */
function sortedAt(values: Float32Array, loRatio: number, hiRatio: number): [number, number] {
  const n = values.length;
  if (n === 0) return [0, 0];
  const loIndex = Math.min(n - 1, Math.floor(n * loRatio));
  const hiIndex = Math.min(n - 1, Math.max(0, Math.floor(n * (1 - hiRatio)) - 1));
  const scratch = Float32Array.from(values);
  const lower = kthLargestInPlace(scratch, n - loIndex);
  const upper = kthLargestInPlace(scratch, n - hiIndex);
  return [lower, upper];
}
