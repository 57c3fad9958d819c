import { z } from 'zod';
import { pcbBoundsOf, pcbMergeInto } from '../kernels/pcb-balance.js';
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

/** The parameter schema shared by `pcb` and `pcb_global`. */
export const pcbParamsSchema = z.strictObject({
  ratio: z.number().gt(0).lte(1).default(0.1),
  lambda: z.number().finite().default(1.2),
  clip_ratio: z.number().gte(0).lt(0.5).default(1e-4),
});

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
  paramsSchema: pcbParamsSchema,
  mergeTensorInto(out, input, params) {
    const { base, deltas, weights } = input;
    const coefficients = Float64Array.from(
      deltas,
      (_, t) => expertNumber(input, t, 'lambda', params.lambda) * weights[t],
    );
    pcbMergeInto(out, base, deltas, coefficients, (t, total) =>
      pcbBoundsOf(deltas[t], total, deltas.length, params.clip_ratio, params.ratio),
    );
  },
};
