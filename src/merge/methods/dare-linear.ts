import { generalizedTaskArithmeticInto } from '../kernels/generalized-task-arithmetic.js';
import { randomDropInto } from '../kernels/random-drop.js';
import { mixSeed } from '../kernels/seeded-random.js';
import { dareParamsSchema, type DareParams } from './dare-params.js';
import { expertNumber } from './expert-param.js';
import type { MergeMethod, TensorMergeInput } from './merge-method.js';

/** Drops and rescales every task vector of one tensor; task t draws from mixSeed(tensor seed, t). */
export function dropTaskVectors(input: TensorMergeInput, params: DareParams): Float32Array[] {
  return input.deltas.map((delta, t) =>
    randomDropInto(
      new Float32Array(delta.length),
      delta,
      expertNumber(input, t, 'density', params.density),
      params.rescale,
      mixSeed(input.seed, t),
    ),
  );
}

/**
 * DARE + task arithmetic (Yu et al., arXiv:2311.03099; yule-BUAA/MergeLM `mask_merging` with
 * `task_arithmetic`; mergekit `dare_linear`; merging.md §2.3): each τ_t loses each entry with
 * probability p = 1 − density and survivors are scaled by 1/(1 − p), then θ = θ0 + λ·Σ_t w_t τ'_t.
 * Every tensor kind is dropped (MergeLM masks biases and norms too). Seeded per tensor name and
 * task index, so results do not depend on tensor order but do not match torch's RNG.
 */
export const dareLinearMethod: MergeMethod<DareParams> = {
  name: 'dare_linear',
  space: 'task-vector',
  paramsSchema: dareParamsSchema(false),
  mergeTensorInto(out, input, params) {
    generalizedTaskArithmeticInto(out, input.base, dropTaskVectors(input, params), input.weights, {
      isConsensus: false,
      isNormalized: params.normalize,
      scale: params.lambda,
    });
  },
};
