/**
 * The TALL mask of one task (Wang et al., arXiv:2405.07813; nik-dim/tall_masks
 * `src/utils/tallmask_utils.py::generate_task_masks`; merging.md §2.8):
 * m_t[i] = |τ_t[i]| > λ_t·|τ_MTL[i] − τ_t[i]|, i.e. the task's own change dominates what the other
 * tasks add there. Strict `>` as upstream (so an all-zero task vector has an empty mask).
 */
export function tallMaskInto(
  out: Uint8Array,
  delta: Float32Array,
  multiTask: Float32Array,
  maskLambda: number,
): Uint8Array {
  for (let i = 0; i < delta.length; i++) {
    const own = delta[i];
    out[i] = Math.abs(own) > maskLambda * Math.abs(multiTask[i] - own) ? 1 : 0;
  }
  return out;
}
