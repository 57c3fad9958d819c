/**
 * Iso-C, isotropic merging in the common subspace (Marczak et al., ICML 2025, arXiv:2502.04959).
 * Per matrix: Σ = Σ_t τ_t, SVD Σ = U·diag(S)·Vᵀ, flatten the spectrum to its mean:
 *   merged = mean(S)·U·Vᵀ = (nuclear(Σ) / r)·polar(Σ),   θ = θ_0 + scale·merged,
 * where the nuclear norm is ⟨polar(Σ), Σ⟩ — so one polar factor, no SVD, is needed.
 * ref: danielm1405/iso-merging `src/utils/iso.py::iso_c`. Non-matrix tensors: mean of task vectors.
 * Difference from the reference: exactly-null directions of Σ (rank-deficient sums) have no defined
 * singular vectors and are not raised (the SVD would raise arbitrary ones); the mean still divides by r.
 */
import { z } from 'zod';
import type { LinalgBackend } from '../linalg/index.js';
import { polarFactor, sharedLinalgBackend, sumTaskVectors } from '../linalg/index.js';
import type { MergeMethod } from './merge-method.js';
import { isOutsideSvdPath, subspaceMatrixDeltas } from './tsv-m.js';

/** Parameters of {@link isoC}. */
export const IsoCParamsSchema = z.strictObject({
  /** α, swept over 0.1…3.0 on validation in the reference; fusion_bench default 1. */
  scale: z.number().finite().default(1),
  polar: z.enum(['newton-schulz', 'svd']).default('newton-schulz'),
});
export type IsoCParams = z.infer<typeof IsoCParamsSchema>;

/** Iso-C with an injected linear-algebra backend. */
export function createIsoC(backend?: LinalgBackend): MergeMethod<IsoCParams> {
  return {
    name: 'iso_c',
    space: 'subspace',
    isElementwiseFor: isOutsideSvdPath,
    paramsSchema: IsoCParamsSchema,
    async mergeTensorInto(out, input, params) {
      const be = backend ?? sharedLinalgBackend();
      const deltas = subspaceMatrixDeltas(out, input, params.scale, 'mean');
      if (deltas === null) return;
      const [rows, cols] = input.shape;
      const sum = sumTaskVectors(deltas, new Float64Array(deltas.length).fill(1), input.base.length);
      const p = await polarFactor(be, { data: sum, rows, cols }, params.polar);
      let nuclear = 0;
      for (let i = 0; i < sum.length; i++) nuclear += p.data[i] * sum[i];
      const meanSigma = nuclear / Math.min(rows, cols);
      const f = params.scale * meanSigma;
      for (let i = 0; i < out.length; i++) out[i] = input.base[i] + f * p.data[i];
    },
  };
}

/** Iso-C (`iso_c`) on the process-wide linalg backend. */
export const isoC: MergeMethod<IsoCParams> = createIsoC();
