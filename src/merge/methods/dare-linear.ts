import { randomDropInto } from '../kernels/random-drop.js';
import { taskRandomStream } from '../kernels/seeded-random.js';
import { sparsifyCombineInto } from '../kernels/sparsify-combine.js';
import { dareParamsSchema, type DareParams } from './dare-params.js';
import { expertNumber } from './expert-param.js';
import type { MergeMethod, TensorMergeInput } from './merge-method.js';

/**
 * θ0 + λ·combine(DARE(τ_t)) for one tensor, slice by slice; task t draws from
 * mixSeed(tensor seed, t). Shared by `dare_linear` and `dare_ties`.
 */
export function dareMergeInto(
  out: Float32Array,
  input: TensorMergeInput,
  params: DareParams,
  isConsensus: boolean,
): void {
  const rngs = input.deltas.map((_, t) => taskRandomStream(input.seed, t, input.streamStates?.[t]));
  const densities = input.deltas.map((_, t) => expertNumber(input, t, 'density', params.density));
  sparsifyCombineInto(
    out,
    input.base,
    input.deltas,
    input.weights,
    1,
    (slice, delta, t) => randomDropInto(slice, delta, densities[t], params.rescale, rngs[t]),
    { isConsensus, isNormalized: params.normalize, scale: params.lambda },
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
  isElementwise: true,
  randomDrawsPerElement: 1,
  paramsSchema: dareParamsSchema(false),
  mergeTensorInto(out, input, params) {
    dareMergeInto(out, input, params, false);
  },
};
