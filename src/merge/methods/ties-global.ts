import { z } from 'zod';
import { generalizedTaskArithmeticInto } from '../kernels/generalized-task-arithmetic.js';
import { MagnitudeHistogram } from '../kernels/magnitude-histogram.js';
import { expertNumber } from './expert-param.js';
import type { GlobalStatsCollector, MergeMethod } from './merge-method.js';
import { densitySchema, type TiesParams } from './ties.js';

/** Whole-model statistics of {@link tiesGlobalMethod}: per task, the |τ| threshold of its top-K%. */
export interface TiesGlobalStats {
  readonly thresholds: readonly number[];
}

/**
 * TIES-Merging as in the paper's code: the trim step keeps the top K% of each task vector over the
 * WHOLE model, flattened (prateeky2806/ties-merging `src/utils/merge_utils.py::topk_values_mask`,
 * `kthvalue` with `>=`; merging.md §2.2). A first pass builds a magnitude histogram per task (exact
 * to 2^-12 relative on the threshold: a few more entries than K% may be kept); the second pass
 * trims with that threshold, elects signs and takes the disjoint mean (`topk20_mass_dis-mean`).
 * Deviations: zero election sums resolve to + (mergekit) rather than the global majority sign — it
 * only matters where kept values cancel exactly; expert weights w_t are applied as in mergekit.
 * Every tensor counts toward D, including frozen ones (their zeros are part of the flat vector).
 */
export const tiesGlobalMethod: MergeMethod<TiesParams, TiesGlobalStats> = {
  name: 'ties_global',
  space: 'task-vector',
  isElementwise: true,
  collectsInBlocks: true,
  paramsSchema: z.strictObject({
    density: densitySchema.default(0.2),
    lambda: z.number().finite().default(1),
    normalize: z.boolean().default(true),
  }),
  createCollector(params): GlobalStatsCollector<TiesGlobalStats> {
    const histograms: MagnitudeHistogram[] = [];
    const densities: number[] = [];
    return {
      observe(input) {
        for (let t = 0; t < input.deltas.length; t++) {
          histograms[t] ??= new MagnitudeHistogram();
          densities[t] = expertNumber(input, t, 'density', params.density);
          histograms[t].observe(input.deltas[t]);
        }
      },
      finish() {
        const thresholds = histograms.map((h, t) =>
          densities[t] >= 1 ? 0 : h.thresholdForTopK(Math.floor(densities[t] * h.total)),
        );
        return { thresholds };
      },
    };
  },
  mergeTensorInto(out, input, params, stats) {
    const firstNonFiniteOutput = generalizedTaskArithmeticInto(out, input.base, input.deltas, input.weights, {
      isConsensus: true,
      isNormalized: params.normalize,
      scale: params.lambda,
      thresholds: Float64Array.from(input.deltas, (_, t) => stats.thresholds[t] ?? 0),
    });
    return { firstNonFiniteOutput };
  },
};
