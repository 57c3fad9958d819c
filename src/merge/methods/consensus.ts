import { z } from 'zod';
import { tallMaskInto } from '../kernels/tall-mask.js';
import { expertNumber } from './expert-param.js';
import type { MergeMethod } from './merge-method.js';
import {
  multiTaskBaseSchema,
  multiTaskDensitySchema,
  multiTaskThreshold,
  multiTaskVector,
} from './multi-task-vector.js';

/** Parameters of {@link consensusMethod}. */
export interface ConsensusParams {
  /** Minimum number of task masks an entry must be in (tall_masks `prun_thre_k`, default 2). */
  readonly k: number;
  /** λ_t of each TALL mask; default 0.6 (fusion_bench `tall_mask_lambda`); upstream picks from {0.2…0.6} per task. Per expert. */
  readonly mask_lambda: number;
  /** λ on the masked τ_MTL; upstream sweeps linspace(0,1,11)[1:] on validation. Default 0.3, fusion_bench's TA default. */
  readonly lambda: number;
  /** How τ_MTL is built: task arithmetic (default) or TIES dis-sum (`use_ties`). */
  readonly base_merge: 'task_arithmetic' | 'ties';
  /** TIES density when `base_merge` is `ties` (default 0.2). */
  readonly density: number;
}

/** Zod schema shared by the TALL-mask methods. */
export const tallParamsShape = {
  mask_lambda: z.number().gte(0).finite().default(0.6),
  base_merge: multiTaskBaseSchema.default('task_arithmetic'),
  density: multiTaskDensitySchema,
};

/**
 * Consensus merging (Wang et al., arXiv:2405.07813; nik-dim/tall_masks
 * `tallmask_utils.py::construct_consensus_mask`; merging.md §2.8): τ_MTL = Σ_t w_t τ_t; TALL
 * masks m_t = |τ_t| > λ_t|τ_MTL − τ_t|; keep entries in at least k masks (k = 1 drops
 * "catastrophic" weights, k = 2 also "selfish" ones; k = 0 is TA, k > T is the base);
 * θ = θ0 + λ·(τ_MTL ⊙ [Σ_t m_t ≥ k]). Element-wise, so per tensor is exact.
 */
export const consensusMethod: MergeMethod<ConsensusParams> = {
  name: 'consensus',
  space: 'task-vector',
  // element-wise once τ_MTL's TIES thresholds (base_merge: ties) are known
  taskStatistic: (delta, _t, _expertParams, params) =>
    multiTaskThreshold(delta, params.base_merge, params.density),
  needsTaskStatistic: (params) => params.base_merge === 'ties',
  paramsSchema: z.strictObject({
    k: z.number().int().gte(0).default(2),
    lambda: z.number().finite().default(0.3),
    ...tallParamsShape,
  }),
  mergeTensorInto(out, input, params) {
    const n = input.base.length;
    const mtl = multiTaskVector(input, params.base_merge, params.density);
    const votes = new Uint8Array(n);
    const mask = new Uint8Array(n);
    for (let t = 0; t < input.deltas.length; t++) {
      tallMaskInto(mask, input.deltas[t], mtl, expertNumber(input, t, 'mask_lambda', params.mask_lambda));
      for (let i = 0; i < n; i++) votes[i] += mask[i];
    }
    for (let i = 0; i < n; i++) {
      out[i] = votes[i] >= params.k ? input.base[i] + params.lambda * mtl[i] : input.base[i];
    }
  },
};
