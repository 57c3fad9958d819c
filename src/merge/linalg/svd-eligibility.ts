/**
 * Which tensors take a subspace method's matrix path. The reference code (TSV-M, Iso-C/CTS:
 * `len(shape) == 2` and not excluded) sends everything else — 1-D, 3-D conv, excluded
 * embeddings — to the method's non-matrix rule (merging.md §0.1).
 */

/** The fields of a tensor-merge input that decide eligibility. */
export interface SvdEligibilityInput {
  readonly kind: 'matrix' | 'vector' | 'conv' | 'embedding';
  readonly shape: readonly number[];
  readonly isSvdExcluded: boolean;
}

/**
 * True for a 2-D tensor (both dimensions > 1) that is not on the SVD exclusion list. The list, not
 * the kind, decides for embeddings: they are excluded by default, but a recipe may include them.
 */
export function isSvdMatrix(input: SvdEligibilityInput): boolean {
  const isTwoDimensional = input.shape.length === 2 && input.shape[0] > 1 && input.shape[1] > 1;
  return isTwoDimensional && (input.kind === 'matrix' || input.kind === 'embedding') && !input.isSvdExcluded;
}

/** τ'_t = w_t·τ_t (the recipe's per-expert weights pre-scale task vectors); no copy when w_t = 1. */
export function weightTaskVectors(
  deltas: readonly Float32Array[],
  weights: ArrayLike<number>,
): Float32Array[] {
  return deltas.map((d, t) => {
    const w = weights[t] ?? 1;
    if (w === 1) return d;
    const out = new Float32Array(d.length);
    for (let i = 0; i < d.length; i++) out[i] = w * d[i];
    return out;
  });
}
