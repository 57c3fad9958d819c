import { z } from 'zod';
import { generalizedTaskArithmeticInto } from '../kernels/generalized-task-arithmetic.js';
import type { MergeMethod } from './merge-method.js';

/** Parameters of {@link taskArithmeticMethod}. */
export interface TaskArithmeticParams {
  /** λ; mergekit default 1.0. Reference sweeps: {0.1…1.0} (tall_masks), fusion_bench 0.3 (merging.md §2.1). */
  readonly lambda: number;
  /** Divide Σ w_t τ_t by Σ w_t (mergekit `normalize`, default false for task arithmetic). */
  readonly normalize: boolean;
}

/**
 * Task Arithmetic (Ilharco et al., arXiv:2212.04089; mlfoundations/task_vectors
 * `src/task_vectors.py`; mergekit `generalized_task_arithmetic.py`; merging.md §2.1):
 * θ = θ0 + λ·Σ_t w_t τ_t, the same rule for every tensor. λ = 1/T reproduces uniform averaging.
 */
export const taskArithmeticMethod: MergeMethod<TaskArithmeticParams> = {
  name: 'task_arithmetic',
  space: 'task-vector',
  propagatesNonFinite: true,
  isElementwise: true,
  paramsSchema: z.strictObject({
    lambda: z.number().finite().default(1),
    normalize: z.boolean().default(false),
  }),
  mergeTensorInto(out, input, params) {
    const firstNonFiniteOutput = generalizedTaskArithmeticInto(out, input.base, input.deltas, input.weights, {
      isConsensus: false,
      isNormalized: params.normalize,
      scale: params.lambda,
    });
    return { firstNonFiniteOutput };
  },
};
