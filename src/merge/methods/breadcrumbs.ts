import { z } from 'zod';
import { middleKeepInto } from '../kernels/middle-keep.js';
import { rowLengthOf } from '../kernels/row-layout.js';
import { sparsifyCombineInto } from '../kernels/sparsify-combine.js';
import { expertNumber } from './expert-param.js';
import type { MergeMethod } from './merge-method.js';

/** Parameters of {@link breadcrumbsMethod}. */
export interface BreadcrumbsParams {
  /** β, kept fraction per row after the outliers; default 0.15 (hyperopt start point), range U(0.05, 0.20). */
  readonly density: number;
  /** γ, removed top fraction per row; default 0.006 (hyperopt start point), range U(0.001, 0.01). */
  readonly gamma: number;
  /** α; default 0.2 (hyperopt start point), range U(0.01, 1). */
  readonly lambda: number;
}

/**
 * Model Breadcrumbs (Davari & Belilovsky, arXiv:2312.06795; rezazzr/breadcrumbs
 * `src/task_vectors.py::TaskVectorMiddleKeep`, defaults from `find_best_hyperparam.py`'s first
 * point; merging.md §2.4): per row along the last dimension, drop the top-γ outliers and keep the
 * next β fraction; θ = θ0 + α·Σ_t w_t τ'_t. The official per-row rule, not mergekit's per-tensor one.
 */
export const breadcrumbsMethod: MergeMethod<BreadcrumbsParams> = {
  name: 'breadcrumbs',
  space: 'task-vector',
  isRowwise: true,
  paramsSchema: z
    .strictObject({
      density: z.number().gt(0).lte(1).default(0.15),
      gamma: z.number().gte(0).lt(1).default(0.006),
      lambda: z.number().finite().default(0.2),
    })
    .refine((p) => p.density + p.gamma <= 1, { message: 'density + gamma must be ≤ 1', path: ['gamma'] }),
  mergeTensorInto(out, input, params) {
    const rowLength = rowLengthOf(input.shape);
    const densities = input.deltas.map((_, t) => expertNumber(input, t, 'density', params.density));
    const gammas = input.deltas.map((_, t) => expertNumber(input, t, 'gamma', params.gamma));
    sparsifyCombineInto(
      out,
      input.base,
      input.deltas,
      input.weights,
      rowLength,
      (slice, delta, t) => middleKeepInto(slice, delta, rowLength, densities[t], gammas[t]),
      { isConsensus: false, isNormalized: false, scale: params.lambda },
    );
  },
};
