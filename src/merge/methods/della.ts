import { z } from 'zod';
import { rankMagnitudeSampleInto } from '../kernels/rank-magnitude-sample.js';
import { rowLengthOf } from '../kernels/row-layout.js';
import { taskRandomStream } from '../kernels/seeded-random.js';
import { sparsifyCombineInto } from '../kernels/sparsify-combine.js';
import { expertNumber } from './expert-param.js';
import type { MergeMethod } from './merge-method.js';

/** Parameters of {@link dellaMethod}. */
export interface DellaParams {
  /** Mean keep probability; default 0.7 (README `--drop_rate 0.3`). Per expert. */
  readonly density: number;
  /** ε, half the keep-probability window; default 0.07 (README `--window_size 0.14`). Per expert. */
  readonly epsilon: number;
  /** λ; default 1.1 (README `--lambda_factor 1.1`). */
  readonly lambda: number;
  /** Divide kept entries by their keep probability (README `--rescale 1`). */
  readonly rescale: boolean;
  /** Disjoint mean after sign election (DELLA = consensus `sum` + normalize). */
  readonly normalize: boolean;
}

/**
 * DELLA-Merging (Deep et al., arXiv:2406.11617; declare-lab/della `mergekit/mergekit/sparsify.py::
 * rank_magnitude` and `merge_methods/__init__.py`; merging.md §2.5): MagPrune (row-wise magnitude
 * ranks → keep probability (density − ε) + 2ερ, rescale 1/p), then TIES sign election and
 * disjoint mean, θ = θ0 + λ·merged. Uses the 1/p rescale of DELLA's repo, not upstream mergekit's
 * L1-norm matching. Seeded per tensor name and task index.
 */
export const dellaMethod: MergeMethod<DellaParams> = {
  name: 'della',
  space: 'task-vector',
  isRowwise: true,
  randomDrawsPerElement: 1,
  paramsSchema: z
    .strictObject({
      density: z.number().gt(0).lte(1).default(0.7),
      epsilon: z.number().gte(0).lt(0.5).default(0.07),
      lambda: z.number().finite().default(1.1),
      rescale: z.boolean().default(true),
      normalize: z.boolean().default(true),
    })
    .refine((p) => p.density - p.epsilon > 0 && p.density + p.epsilon <= 1, {
      message: 'density ± epsilon must lie in (0, 1]',
      path: ['epsilon'],
    }),
  mergeTensorInto(out, input, params) {
    const rowLength = rowLengthOf(input.shape);
    const rngs = input.deltas.map((_, t) => taskRandomStream(input.seed, t, input.streamStates?.[t]));
    const densities = input.deltas.map((_, t) => expertNumber(input, t, 'density', params.density));
    const epsilons = input.deltas.map((_, t) => expertNumber(input, t, 'epsilon', params.epsilon));
    sparsifyCombineInto(
      out,
      input.base,
      input.deltas,
      input.weights,
      rowLength,
      (slice, delta, t) =>
        rankMagnitudeSampleInto(slice, delta, rowLength, densities[t], epsilons[t], params.rescale, rngs[t]),
      { isConsensus: true, isNormalized: params.normalize, scale: params.lambda },
    );
  },
};
