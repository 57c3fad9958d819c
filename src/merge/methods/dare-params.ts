import { z } from 'zod';
import { densitySchema } from './ties.js';

/** Parameters of DARE (linear and TIES variants). */
export interface DareParams {
  /**
   * Keep probability 1 − p per entry (mergekit naming; MergeLM's `weight_mask_rate` p is the drop
   * rate). Default 0.9 = MergeLM's default p = 0.1; its grid is p ∈ {0.1, 0.3, 0.5, 0.7, 0.9}
   * (merging.md §2.3). Per expert.
   */
  readonly density: number;
  /** Divide kept entries by `density` (= 1/(1−p), MergeLM `use_rescale`, default true). */
  readonly rescale: boolean;
  /** λ. */
  readonly lambda: number;
  /** Divide by the (kept) weights. Default: false for dare_linear, true for dare_ties (mergekit registry). */
  readonly normalize: boolean;
}

/** The schema of {@link DareParams} with the variant's default for `normalize`. */
export function dareParamsSchema(defaultNormalize: boolean): z.ZodType<DareParams> {
  return z.strictObject({
    density: densitySchema.default(0.9),
    rescale: z.boolean().default(true),
    lambda: z.number().finite().default(1),
    normalize: z.boolean().default(defaultNormalize),
  });
}
