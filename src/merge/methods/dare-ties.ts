import { generalizedTaskArithmeticInto } from '../kernels/generalized-task-arithmetic.js';
import { dareParamsSchema, type DareParams } from './dare-params.js';
import { dropTaskVectors } from './dare-linear.js';
import type { MergeMethod } from './merge-method.js';

/**
 * DARE-TIES (MergeLM `mask_merging` with `ties_merging`; mergekit `dare_ties`; merging.md §2.3):
 * random drop-and-rescale of each τ_t as in `dare_linear`, then TIES sign election and disjoint
 * mean (mergekit: no further magnitude trim), θ = θ0 + λ·merged.
 */
export const dareTiesMethod: MergeMethod<DareParams> = {
  name: 'dare_ties',
  space: 'task-vector',
  paramsSchema: dareParamsSchema(true),
  mergeTensorInto(out, input, params) {
    generalizedTaskArithmeticInto(out, input.base, dropTaskVectors(input, params), input.weights, {
      isConsensus: true,
      isNormalized: params.normalize,
      scale: params.lambda,
    });
  },
};
