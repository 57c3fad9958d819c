/**
 * Orthonormal basis of a tall matrix's column space by CholeskyQR2 (Fukaya, Nakatsukasa,
 * Yanagisawa, Yamamoto 2014): two passes of Q = Y·R⁻¹ with RᵀR = YᵀY. All m-sized work is two
 * products on the backend; the l×l Cholesky and triangular inverse run in float64 (their inner
 * loops in WebAssembly SIMD, dense-kernels.ts).
 * A tiny diagonal shift (shifted CholeskyQR, Fukaya et al. 2020) keeps rank-deficient inputs
 * factorizable; their null directions come out with near-zero norm instead of NaN.
 */
import { AppError } from '../../shared/index.js';
import { householderQr } from './householder-qr.js';
import type { LinalgBackend } from './linalg-backend.js';
import type { Matrix } from './matrix.js';
import { denseKernels, denseWorkspace } from './dense-kernels.js';

// Shift relative to the largest Gram diagonal: ≈ float32 eps/√… — far below any direction the
// range finder needs, large enough that the f64 Cholesky of a singular Gram never breaks down.
const CHOLESKY_SHIFT_REL = 1e-10;
// Each failed factorization multiplies the shift by this before retrying.
const CHOLESKY_SHIFT_GROWTH = 1e3;
// Retries before giving up (the last shift is 100× the largest diagonal).
const CHOLESKY_MAX_ATTEMPTS = 5;

/** Below this many multiply-adds (m·l²), Householder QR in TypeScript is cheap and unconditionally stable. */
export const HOUSEHOLDER_QR_MAX_WORK = 1 << 20;

/**
 * Q with orthonormal columns spanning `y`'s column space (m×l, m ≥ l): Householder QR for small
 * inputs, otherwise `passes` CholeskyQR passes with the Gram products on the backend.
 */
export async function orthonormalizeColumns(backend: LinalgBackend, y: Matrix, passes = 2): Promise<Matrix> {
  if (y.rows * y.cols * y.cols <= HOUSEHOLDER_QR_MAX_WORK) {
    return { data: Float32Array.from(householderQr(y.data, y.rows, y.cols).q), rows: y.rows, cols: y.cols };
  }
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
 * @throws AppError MERGE_INPUT_INVALID when G has non-finite entries.
 */
export function choleskyInverseFactor(g: Float64Array, l: number): Float64Array | undefined {
  let maxDiag = 0;
  for (let i = 0; i < l; i++) maxDiag = Math.max(maxDiag, g[i * l + i]);
  if (!Number.isFinite(maxDiag)) {
    throw new AppError('MERGE_INPUT_INVALID', 'Cannot orthonormalize: matrix has non-finite values');
  }
  if (!(maxDiag > 0)) return undefined;
  const ws = denseWorkspace(2 * l * l);
  const r = ws.subarray(0, l * l);
  const inv = ws.subarray(l * l);
  let shift = CHOLESKY_SHIFT_REL * maxDiag;
  for (let attempt = 0; attempt < CHOLESKY_MAX_ATTEMPTS; attempt++) {
    if (choleskyInto(r, g, l, shift)) {
      invertUpperInto(inv, r, l);
      return inv.slice();
    }
    shift *= CHOLESKY_SHIFT_GROWTH;
  }
  // Unreachable for a finite Gram: a shift of maxDiag·1e-10·1e3⁴ = 100·maxDiag dominates any PSD error.
  throw new AppError('INTERNAL', `Cannot orthonormalize: Cholesky failed ${CHOLESKY_MAX_ATTEMPTS} times`);
}

/**
 * Whether G + shift·I is positive definite, by attempting its float64 Cholesky factorization
 * (backward stable: success means it is, up to a perturbation of order l·ε₆₄·‖G‖). A negative
 * `shift` tests λ_min(G) > −shift.
 */
export function isPositiveDefinite(g: Float64Array, l: number, shift: number): boolean {
  return choleskyInto(denseWorkspace(l * l), g, l, shift);
}

/**
 * Upper R with RᵀR = G + shift·I into `r` (a workspace view; row-oriented right-looking
 * variant, the trailing updates in WebAssembly); false on a non-positive pivot.
 */
function choleskyInto(r: Float64Array, g: Float64Array, l: number, shift: number): boolean {
  const k = denseKernels();
  // After step j, row j holds R's row j; only the upper triangle is read.
  r.fill(0);
  for (let i = 0; i < l; i++) for (let j = i; j < l; j++) r[i * l + j] = g[i * l + j];
  for (let i = 0; i < l; i++) r[i * l + i] += shift;
  for (let j = 0; j < l; j++) {
    const rowJ = j * l;
    const diag = r[rowJ + j];
    if (!(diag > 0)) return false;
    const rjj = Math.sqrt(diag);
    for (let c = j; c < l; c++) r[rowJ + c] /= rjj;
    // Trailing update: S[i, c] −= R[j, i]·R[j, c] for i ≤ c (upper part only).
    k.choleskyUpdate(r.byteOffset, l, j);
  }
  return true;
}

/** Inverse of an upper-triangular matrix into `inv`: solves R·X = I row by row from the bottom. */
function invertUpperInto(inv: Float64Array, r: Float64Array, l: number): void {
  const k = denseKernels();
  inv.fill(0);
  for (let i = l - 1; i >= 0; i--) {
    const rowI = i * l;
    const rii = r[rowI + i];
    // X[i, :] = (e_i − Σ_{k>i} R[i,k]·X[k, :]) / R[i,i]; rows k > i are final.
    inv[rowI + i] = 1;
    k.inverseRowUpdate(inv.byteOffset, r.byteOffset, l, i);
    for (let c = i; c < l; c++) inv[rowI + c] /= rii;
  }
}
