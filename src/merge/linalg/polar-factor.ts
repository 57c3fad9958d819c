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
 * setting, not converged). `'svd'`: exact one-sided Jacobi SVD in TypeScript (slow above ≈ 256).
 */
export type PolarMethod = 'newton-schulz' | 'muon5' | 'svd';

/** Polar factor of `x` by the chosen method. */
export async function polarFactor(backend: LinalgBackend, x: Matrix, method: PolarMethod): Promise<Matrix> {
  if (method === 'svd') return polarSvd(x);
  return polarNewtonSchulz(backend, x, { schedule: method === 'muon5' ? 'muon5' : 'exact' });
}
