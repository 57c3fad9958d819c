/**
 * Model Stock (Jang, Yun, Han, ECCV 2024, arXiv:2403.19522), mergekit's N-model form: with task
 * vectors τ_t and cos the mean pairwise cosine between them (clamped to [−1, 1]),
 *   t = N·cos / (1 + (N − 1)·cos),   θ = t·mean_t(θ_t) + (1 − t)·θ_0 = θ_0 + t·mean_t(τ_t).
 * `filterWise` computes cos and t per row (last dimension; 1-D tensors are one row).
 * ref: arcee-ai/mergekit `mergekit/merge_methods/model_stock.py`. Same rule for every tensor;
 * per-expert weights are not used (as in the reference).
 */
import { z } from 'zod';
import { AppError } from '../../shared/index.js';
import { areAllZero } from '../linalg/index.js';
import type { MergeMethod } from './merge-method.js';

/** Parameters of {@link modelStock}. */
export const ModelStockParamsSchema = z.strictObject({
  /** Per-row interpolation ratio instead of one per tensor (mergekit `filter_wise`, default false). */
  filterWise: z.boolean().default(false),
});
export type ModelStockParams = z.infer<typeof ModelStockParamsSchema>;

// mergekit's guard on the cosine denominator: max(|a||b|, 1e-6).
const COSINE_NORM_FLOOR = 1e-6;

/** Interpolation ratio t for the slice [start, end) of every task vector. */
export function modelStockRatio(deltas: readonly Float32Array[], start: number, end: number): number {
  const n = deltas.length;
  const norms = new Float64Array(n);
  for (let t = 0; t < n; t++) {
    let s = 0;
    const d = deltas[t];
    for (let i = start; i < end; i++) s += d[i] * d[i];
    norms[t] = Math.sqrt(s);
  }
  let cosSum = 0;
  let pairs = 0;
  for (let a = 0; a < n; a++) {
    for (let b = a + 1; b < n; b++) {
      let dot = 0;
      const da = deltas[a];
      const db = deltas[b];
      for (let i = start; i < end; i++) dot += da[i] * db[i];
      const cos = dot / Math.max(norms[a] * norms[b], COSINE_NORM_FLOOR);
      cosSum += Math.min(1, Math.max(-1, cos));
      pairs++;
    }
  }
  const cos = cosSum / pairs;
  const denom = 1 + (n - 1) * cos;
  // cos = −1/(N−1) makes the formula singular; mergekit would produce inf/nan there. Fall back to the base.
  return denom === 0 ? 0 : (n * cos) / denom;
}

/** Model Stock (`model_stock`). */
export const modelStock: MergeMethod<ModelStockParams> = {
  name: 'model_stock',
  space: 'parameter',
  paramsSchema: ModelStockParamsSchema,
  mergeTensorInto(out, input, params) {
    const { deltas, base } = input;
    if (deltas.length < 2) {
      throw new AppError(
        'MERGE_INPUT_INVALID',
        `Cannot merge with model_stock: needs at least 2 experts, got ${deltas.length}`,
      );
    }
    if (areAllZero(deltas)) {
      out.set(base);
      return;
    }
    const n = deltas.length;
    const rowLength =
      params.filterWise && input.shape.length > 0 ? input.shape[input.shape.length - 1] : base.length;
    for (let start = 0; start < base.length; start += rowLength) {
      const end = Math.min(base.length, start + rowLength);
      const t = modelStockRatio(deltas, start, end);
      for (let i = start; i < end; i++) {
        let sum = 0;
        for (let k = 0; k < n; k++) sum += deltas[k][i];
        out[i] = base[i] + (t * sum) / n;
      }
    }
  },
};
