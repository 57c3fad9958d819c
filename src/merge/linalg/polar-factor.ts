/**
 * The polar-factor choice exposed by the subspace methods' `polar` parameter.
 */
import type { LinalgBackend } from './linalg-backend.js';
import type { Matrix } from './matrix.js';
import { polarNewtonSchulz } from './polar-newton-schulz.js';
import { polarSvd } from './polar-svd.js';

/**
 * `'newton-schulz'` (default in every method): converged Newton–Schulz, equal to the SVD polar
 * factor to float32 accuracy. `'muon5'`: Muon's five quintic steps (the BoostedTSV-M paper's
 * setting, not converged). `'newton-schulz-gram'`: the same iteration on the short-side Gram for
 * non-square inputs — faster, exact only while σ_min/σ_max ≳ 1e-3. `'svd'`: exact one-sided Jacobi SVD in TypeScript (slow above ≈ 256).
 */
export type PolarMethod = 'newton-schulz' | 'newton-schulz-gram' | 'muon5' | 'svd';

/** Polar factor of `x` by the chosen method. */
export async function polarFactor(backend: LinalgBackend, x: Matrix, method: PolarMethod): Promise<Matrix> {
  if (method === 'svd') return polarSvd(x);
  if (method === 'muon5') return polarNewtonSchulz(backend, x, { schedule: 'muon5' });
  return polarNewtonSchulz(backend, x, { form: method === 'newton-schulz-gram' ? 'gram' : 'auto' });
}
