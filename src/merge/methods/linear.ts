import { z } from 'zod';
import { AppError } from '../../shared/index.js';
import type { MergeMethod } from './merge-method.js';

/** Parameters of {@link linearMethod}. */
export interface LinearParams {
  /** Divide by Σ w_t (mergekit `normalize`, default true). */
  readonly normalize: boolean;
}

// Below this |Σ w_t| a normalised average is undefined (weights cancel).
const WEIGHT_SUM_EPS = 1e-8;

/**
 * Linear merge / model soup (Wortsman et al., arXiv:2203.05482; arcee-ai/mergekit
 * `merge_methods/linear.py`; merging.md §1.1): θ = Σ_t w_t θ_t / Σ_t w_t over the experts
 * (the base is not one of the averaged models). With uniform weights this is θ0 + (1/T)·Σ τ_t.
 * Without `normalize`: θ = Σ_t w_t θ_t. Same rule for every tensor kind.
 */
export const linearMethod: MergeMethod<LinearParams> = {
  name: 'linear',
  space: 'parameter',
  propagatesNonFinite: true,
  isElementwise: true,
  paramsSchema: z.strictObject({ normalize: z.boolean().default(true) }),
  mergeTensorInto(out, input, params) {
    const { base, deltas, weights } = input;
    let weightSum = 0;
    for (let t = 0; t < deltas.length; t++) weightSum += weights[t];
    if (params.normalize && Math.abs(weightSum) < WEIGHT_SUM_EPS) {
      throw new AppError('MERGE_RECIPE_INVALID', `Cannot average ${input.name}: expert weights sum to zero`);
    }
    // θ = (Σw·θ0 + Σ w_t τ_t) / divisor, with θ_t = θ0 + τ_t.
    const divisor = params.normalize ? weightSum : 1;
    const baseFactor = weightSum / divisor;
    for (let i = 0; i < out.length; i++) {
      let sum = 0;
      for (let t = 0; t < deltas.length; t++) sum += weights[t] * deltas[t][i];
      out[i] = baseFactor * base[i] + sum / divisor;
    }
  },
};
