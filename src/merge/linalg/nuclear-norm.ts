/**
 * Nuclear norm ‖A‖_* = Σσᵢ = ⟨polar(A), A⟩_F. Exact (Jacobi SVD) for small matrices; otherwise a
 * Newton–Schulz polar factor on the short-side Gram with a 1e-3 lift floor: singular values below
 * 1e-3·σ₁ are only partly counted, an error under 1e-3·σ₁ per such direction.
 */
import { jacobiSvd } from './jacobi-svd.js';
import type { LinalgBackend } from './linalg-backend.js';
import type { Matrix } from './matrix.js';
import { polarNewtonSchulz } from './polar-newton-schulz.js';
import { EXACT_SVD_MAX_WORK } from './randomized-svd.js';

/** Lift floor of the polar factor used for the trace; the sum is dominated by the large σ. */
const NUCLEAR_NORM_LIFT_FLOOR_REL = 1e-3;

/** Σσᵢ of `a`, in float64. */
export async function nuclearNorm(backend: LinalgBackend, a: Matrix): Promise<number> {
  const r = Math.min(a.rows, a.cols);
  if (Math.max(a.rows, a.cols) * r * r <= EXACT_SVD_MAX_WORK) {
    let sum = 0;
    for (const s of jacobiSvd(a).s) sum += s;
    return sum;
  }
  const p = await polarNewtonSchulz(backend, a, { form: 'gram', liftFloorRel: NUCLEAR_NORM_LIFT_FLOOR_REL });
  let dot = 0;
  for (let i = 0; i < a.data.length; i++) dot += p.data[i] * a.data[i];
  return dot;
}
