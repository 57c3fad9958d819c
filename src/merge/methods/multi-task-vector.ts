import { z } from 'zod';
import { generalizedTaskArithmeticInto } from '../kernels/generalized-task-arithmetic.js';
import { magnitudeThreshold } from '../kernels/magnitude-prune.js';
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
  const isTies = baseMerge === 'ties';
  // The output doubles as the zero "base" (it is read at index i before being written there).
  const out = new Float32Array(n);
  generalizedTaskArithmeticInto(out, out, input.deltas, input.weights, {
    isConsensus: isTies,
    isNormalized: false,
    scale: 1,
    ...(isTies
      ? {
          thresholds:
            input.taskStatistics ??
            Float64Array.from(input.deltas, (d) => multiTaskThreshold(d, baseMerge, tiesDensity)),
        }
      : {}),
  });
  return out;
}

/** Zod fragment for the TIES density used when `base_merge` is `ties` (tall_masks README: k = 20). */
export const multiTaskDensitySchema = densitySchema.default(0.2);

/**
 * The TALL-mask methods' `taskStatistic`: τ_t's TIES trim threshold when τ_MTL is built with TIES
 * (what {@link multiTaskVector} uses from `input.taskStatistics` for a block), else 0 (unused).
 */
export function multiTaskThreshold(
  delta: Float32Array,
  baseMerge: z.infer<typeof multiTaskBaseSchema>,
  tiesDensity: number,
): number {
  return baseMerge === 'ties' ? magnitudeThreshold(delta, tiesDensity) : 0;
}
