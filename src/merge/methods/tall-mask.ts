import { z } from 'zod';
import { AppError } from '../../shared/index.js';
import { tallMaskInto } from '../kernels/tall-mask.js';
import { tallParamsShape } from './consensus.js';
import { expertNumber } from './expert-param.js';
import type { MergeMethod } from './merge-method.js';
import { multiTaskThreshold, multiTaskVector } from './multi-task-vector.js';

/** Parameters of {@link tallMaskMethod}. */
export interface TallMaskParams {
  /** Index of the expert (task) whose TALL-mask model is built. */
  readonly target: number;
  readonly mask_lambda: number;
  /** Coefficient on the masked τ_MTL; upstream fixes it at 1.0. */
  readonly lambda: number;
  readonly base_merge: 'task_arithmetic' | 'ties';
  readonly density: number;
}

/**
 * The TALL-mask model of one task (Wang et al., arXiv:2405.07813, "TALL-mask inference";
 * merging.md §2.8): θ̂_t = θ0 + λ·(m_t ⊙ τ_MTL), λ = 1 upstream, with m_t the task's TALL mask.
 * It needs the task id at inference; for serving many languages from one merge see
 * `computeLanguagePathways`, which stores the masks beside the checkpoint instead.
 */
export const tallMaskMethod: MergeMethod<TallMaskParams> = {
  name: 'tall_mask',
  space: 'task-vector',
  // element-wise once τ_MTL's TIES thresholds (base_merge: ties) are known
  taskStatistic: (delta, _t, _expertParams, params) =>
    multiTaskThreshold(delta, params.base_merge, params.density),
  needsTaskStatistic: (params) => params.base_merge === 'ties',
  paramsSchema: z.strictObject({
    target: z.number().int().gte(0).default(0),
    lambda: z.number().finite().default(1),
    ...tallParamsShape,
  }),
  mergeTensorInto(out, input, params) {
    const t = params.target;
    if (t >= input.deltas.length) {
      throw new AppError(
        'MERGE_RECIPE_INVALID',
        `Cannot build a TALL mask for expert ${t}: there are ${input.deltas.length}`,
      );
    }
    const mtl = multiTaskVector(input, params.base_merge, params.density);
    const mask = tallMaskInto(
      new Uint8Array(mtl.length),
      input.deltas[t],
      mtl,
      expertNumber(input, t, 'mask_lambda', params.mask_lambda),
    );
    for (let i = 0; i < out.length; i++)
      out[i] = mask[i] === 1 ? input.base[i] + params.lambda * mtl[i] : input.base[i];
  },
};
