/**
 * Exact polar factor U·Vt from the Jacobi SVD (the orthogonal-Procrustes solution used by the
 * TSV-M / Iso-CTS reference code, `P, _, Qh = svd(X); P @ Qh`). Null directions (σ below
 * NULL_SINGULAR_VALUE_REL_TOL·σ₁) contribute nothing, so the result is the partial isometry on
 * X's range — what Newton–Schulz converges to. For small matrices and as the test reference.
 */
import { gemmTs } from './gemm-ts.js';
import { jacobiSvd } from './jacobi-svd.js';
import type { Matrix } from './matrix.js';
import { dropNullDirections } from './randomized-svd.js';

/** U·Vt of the thin SVD of `x` (same shape as `x`). */
export function polarSvd(x: Matrix): Matrix {
  const svd = dropNullDirections(jacobiSvd(x));
  const u = svd.u;
  // Scale U's columns by 1 (kept) or 0 (dropped) — dropNullDirections already zeroed the dropped ones.
  return gemmTs(u, svd.vt);
}
