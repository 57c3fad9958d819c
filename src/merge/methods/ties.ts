import { z } from 'zod';
import { generalizedTaskArithmeticInto } from '../kernels/generalized-task-arithmetic.js';
import { magnitudeThreshold } from '../kernels/magnitude-prune.js';
import { expertNumber } from './expert-param.js';
import type { MergeMethod, TensorMergeInput } from './merge-method.js';

/** Parameters of {@link tiesMethod}. */
export interface TiesParams {
  /**
   * Kept fraction per tensor, in (0, 1]. Default 0.2 = the paper's "topk20" (K = 20%). mergekit's
   * own default is 1.0 (no trimming) and its docs say to set it (merging.md §2.2). Per expert.
   */
  readonly density: number;
  /** λ. The TIES README sweeps 0.8…2.5 with dis-mean; mergekit default 1.0. */
  readonly lambda: number;
  /** Disjoint mean (true, TIES `dis-mean`, mergekit default) or disjoint sum (false, `dis-sum`). */
  readonly normalize: boolean;
}

/** Zod schema fragment for a kept fraction. */
export const densitySchema = z.number().gt(0).lte(1);

/** τ_t's trim threshold: keep |x| ≥ it (the top `density` fraction of this tensor's entries). */
function trimThreshold(
  delta: Float32Array,
  t: number,
  expertParams: TensorMergeInput['expertParams'],
  params: TiesParams,
): number {
  return magnitudeThreshold(delta, expertNumber({ expertParams }, t, 'density', params.density));
}

/**
 * TIES-Merging, per tensor as in mergekit (Yadav et al., arXiv:2306.01708; mergekit `sparsify.py`
 * `magnitude` + `generalized_task_arithmetic.py` consensus `sum`; merging.md §2.2):
 * 1. trim: keep the top `density` fraction of each τ_t by |x| within this tensor;
 * 2. elect: s = sign(Σ_t w_t τ'_t), zero → +1 (mergekit; the original uses the global majority);
 * 3. disjoint merge: Σ_t w_t τ'_t [sign agrees] / Σ_t w_t [sign agrees] (or the sum);
 * θ = θ0 + λ·merged. With density 1, agreeing signs and unit weights, merged = mean_t τ_t.
 * For the original whole-model top-k, see `ties_global`.
 */
export const tiesMethod: MergeMethod<TiesParams> = {
  name: 'ties',
  space: 'task-vector',
  paramsSchema: z.strictObject({
    density: densitySchema.default(0.2),
    lambda: z.number().finite().default(1),
    normalize: z.boolean().default(true),
  }),
  taskStatistic: trimThreshold,
  mergeTensorInto(out, input, params) {
    const thresholds =
      input.taskStatistics ??
      Float64Array.from(input.deltas, (delta, t) => trimThreshold(delta, t, input.expertParams, params));
    const firstNonFiniteOutput = generalizedTaskArithmeticInto(out, input.base, input.deltas, input.weights, {
      isConsensus: true,
      isNormalized: params.normalize,
      scale: params.lambda,
      thresholds,
    });
    return { firstNonFiniteOutput };
  },
};
