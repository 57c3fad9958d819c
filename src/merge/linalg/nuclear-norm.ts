/**
 * Nuclear norm ‖A‖_* = Σσᵢ. Exact (Jacobi SVD) for small matrices; otherwise √ of the eigenvalues
 * of the short-side Gram AᵀA or AAᵀ, formed in float64 on the backend, from the symmetric
 * eigensolver without eigenvectors. Float64 keeps every σᵢ ≳ 1e-7·σ₁ (a float32 Gram would blur
 * those below ≈ 3e-4·σ₁).
 */
import { jacobiSvd } from './jacobi-svd.js';
import type { LinalgBackend } from './linalg-backend.js';
import type { Matrix } from './matrix.js';
import { EXACT_SVD_MAX_WORK } from './randomized-svd.js';
import { symmetricEigenvalues } from './symmetric-eigen.js';

/** Σσᵢ of `a`, in float64. */
export async function nuclearNorm(backend: LinalgBackend, a: Matrix): Promise<number> {
  const r = Math.min(a.rows, a.cols);
  if (Math.max(a.rows, a.cols) * r * r <= EXACT_SVD_MAX_WORK) {
    let sum = 0;
    for (const s of jacobiSvd(a).s) sum += s;
    return sum;
  }
  const gram = await backend.gram64(a, a.rows >= a.cols ? 'cols' : 'rows');
  let sum = 0;
  // Rounding can leave the smallest eigenvalues of a PSD Gram slightly negative: they count as 0.
  for (const lambda of symmetricEigenvalues(gram, r)) sum += Math.sqrt(Math.max(lambda, 0));
  return sum;
}
