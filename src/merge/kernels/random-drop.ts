import type { SeededRandom } from './seeded-random.js';

/**
 * DARE's drop-and-rescale for one task vector (Yu et al., arXiv:2311.03099; yule-BUAA/MergeLM
 * `mask_weights_utils.py::mask_input_with_mask_rate`): each entry is kept with probability
 * `density` = 1 − p (p = MergeLM's drop rate) and, when `isRescaled`, divided by `density`, so that
 * E[out] = delta. The Bernoulli draws come from `rng` (seeded per tensor and task, see
 * `tensorSeed`); slices of one tensor drawn in order from one stream equal the whole-tensor draw.
 */
export function randomDropInto(
  out: Float32Array,
  delta: Float32Array,
  density: number,
  isRescaled: boolean,
  rng: SeededRandom,
): Float32Array {
  if (density >= 1) {
    out.set(delta);
    return out;
  }
  if (density <= 0) {
    out.fill(0);
    return out;
  }
  const factor = isRescaled ? 1 / density : 1;
  for (let i = 0; i < delta.length; i++) {
    out[i] = rng.nextFloat() < density ? delta[i] * factor : 0;
  }
  return out;
}
