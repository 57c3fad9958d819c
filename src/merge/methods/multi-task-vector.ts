import { z } from 'zod';
import { generalizedTaskArithmeticInto } from '../kernels/generalized-task-arithmetic.js';
import { magnitudePruneInto } from '../kernels/magnitude-prune.js';
import type { TensorMergeInput } from './merge-method.js';
import { densitySchema } from './ties.js';

/** How TALL masks / Consensus build τ_MTL (tall_masks `use_ties`). */
export const multiTaskBaseSchema = z.enum(['task_arithmetic', 'ties']);

/**
 * τ_MTL for one tensor, as tall_masks builds it before masking: Σ_t w_t τ_t (task arithmetic with
 * top-k 100, i.e. no trim) or TIES with density `tiesDensity` and `dis-sum` (merging.md §2.8).
 */
export function multiTaskVector(
  input: TensorMergeInput,
  baseMerge: z.infer<typeof multiTaskBaseSchema>,
  tiesDensity: number,
): Float32Array {
  const n = input.base.length;
  const zero = new Float32Array(n);
  const deltas =
    baseMerge === 'ties'
      ? input.deltas.map((d) => magnitudePruneInto(new Float32Array(n), d, tiesDensity))
      : input.deltas;
  return generalizedTaskArithmeticInto(new Float32Array(n), zero, deltas, input.weights, {
    isConsensus: baseMerge === 'ties',
    isNormalized: false,
    scale: 1,
  });
}

/** Zod fragment for the TIES density used when `base_merge` is `ties` (tall_masks README: k = 20). */
export const multiTaskDensitySchema = densitySchema.default(0.2);
