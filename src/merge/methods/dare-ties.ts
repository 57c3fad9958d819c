import { dareParamsSchema, type DareParams } from './dare-params.js';
import { dareMergeInto } from './dare-linear.js';
import type { MergeMethod } from './merge-method.js';

/**
 * DARE-TIES (MergeLM `mask_merging` with `ties_merging`; mergekit `dare_ties`; merging.md §2.3):
 * random drop-and-rescale of each τ_t as in `dare_linear`, then TIES sign election and disjoint
 * mean (mergekit: no further magnitude trim), θ = θ0 + λ·merged.
 */
export const dareTiesMethod: MergeMethod<DareParams> = {
  name: 'dare_ties',
  space: 'task-vector',
  isElementwise: true,
  randomDrawsPerElement: 1,
  paramsSchema: dareParamsSchema(true),
  mergeTensorInto(out, input, params) {
    dareMergeInto(out, input, params, true);
  },
};
