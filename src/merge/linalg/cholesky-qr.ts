/**
 * Orthonormal basis of a tall matrix's column space by CholeskyQR2 (Fukaya, Nakatsukasa,
 * Yanagisawa, Yamamoto 2014): two passes of Q = Y·R⁻¹ with RᵀR = YᵀY. All m-sized work is two
 * products on the backend; the l×l Cholesky and triangular inverse run in float64 TypeScript.
 * A tiny diagonal shift (shifted CholeskyQR, Fukaya et al. 2020) keeps rank-deficient inputs
 * factorizable; their null directions come out with near-zero norm instead of NaN.
 */
import type { LinalgBackend } from './linalg-backend.js';
import type { Matrix } from './matrix.js';

// Shift relative to the largest Gram diagonal: ≈ float32 eps/√… — far below any direction the
// range finder needs, large enough that the f64 Cholesky of a singular Gram never breaks down.
const CHOLESKY_SHIFT_REL = 1e-10;
// Each failed factorization multiplies the shift by this before retrying.
const CHOLESKY_SHIFT_GROWTH = 1e3;

/** Q with orthonormal columns spanning `y`'s column space (m×l, m ≥ l); `passes` CholeskyQR passes. */
export async function orthonormalizeColumns(backend: LinalgBackend, y: Matrix, passes = 2): Promise<Matrix> {
  let q = y;
  for (let pass = 0; pass < passes; pass++) {
    const l = q.cols;
    const g = await backend.gram64(q, 'cols');
    const rInv = choleskyInverseFactor(g, l);
    if (rInv === undefined) return { data: new Float32Array(q.data.length), rows: q.rows, cols: l };
    q = await backend.gemm(q, { data: Float32Array.from(rInv), rows: l, cols: l });
  }
  return q;
}

/**
 * R⁻¹ (upper triangular, row-major l×l) for RᵀR = G + shift·I; undefined when G is zero.
 * Exported for tests.
 */
export function choleskyInverseFactor(g: Float64Array, l: number): Float64Array | undefined {
  let maxDiag = 0;
  for (let i = 0; i < l; i++) maxDiag = Math.max(maxDiag, g[i * l + i]);
  if (!(maxDiag > 0)) return undefined;
  let shift = CHOLESKY_SHIFT_REL * maxDiag;
  for (;;) {
    const r = cholesky(g, l, shift);
    if (r !== undefined) return invertUpper(r, l);
    shift *= CHOLESKY_SHIFT_GROWTH;
  }
}

/** Upper R with RᵀR = G + shift·I, or undefined on a non-positive pivot. */
function cholesky(g: Float64Array, l: number, shift: number): Float64Array | undefined {
  const r = new Float64Array(l * l);
  for (let j = 0; j < l; j++) {
    let diag = g[j * l + j] + shift;
    for (let k = 0; k < j; k++) diag -= r[k * l + j] * r[k * l + j];
    if (!(diag > 0)) return undefined;
    const rjj = Math.sqrt(diag);
    r[j * l + j] = rjj;
    for (let i = j + 1; i < l; i++) {
      let sum = g[j * l + i];
      for (let k = 0; k < j; k++) sum -= r[k * l + j] * r[k * l + i];
      r[j * l + i] = sum / rjj;
    }
  }
  return r;
}

/** Inverse of an upper-triangular matrix (back substitution, row-major). */
function invertUpper(r: Float64Array, l: number): Float64Array {
  const inv = new Float64Array(l * l);
  for (let j = l - 1; j >= 0; j--) {
    inv[j * l + j] = 1 / r[j * l + j];
    for (let i = j - 1; i >= 0; i--) {
      let sum = 0;
      for (let k = i + 1; k <= j; k++) sum += r[i * l + k] * inv[k * l + j];
      inv[i * l + j] = -sum / r[i * l + i];
    }
  }
  return inv;
}
