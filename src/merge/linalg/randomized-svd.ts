/**
 * Top-k SVD by randomized range finding with power iterations (Halko, Martinsson, Tropp 2011,
 * arXiv:0909.4061, Alg. 4.4 + 5.1; the scheme of `torch.svd_lowrank`). Every m·n-sized product
 * runs on the backend (ORT); the range is re-orthonormalized after each product (CholeskyQR2)
 * so power iterations do not collapse onto the top direction in float32. The small l×l
 * eigenproblem runs in float64 (symmetric-eigen.ts). Small matrices take the exact Jacobi SVD instead.
 *
 * Null directions — singular values below {@link NULL_SINGULAR_VALUE_REL_TOL}·σ₁ — are dropped
 * (zero U column, zero σ, zero Vt row): for a rank-deficient input their singular vectors are
 * arbitrary and must not leak into later orthogonalization steps.
 */
import { AppError, firstNonFiniteIndex } from '../../shared/index.js';
import { orthonormalizeColumns } from './cholesky-qr.js';
import { jacobiSvd, type Svd } from './jacobi-svd.js';
import type { LinalgBackend } from './linalg-backend.js';
import type { Matrix } from './matrix.js';
import { fillStandardNormal } from './seeded-normal.js';
import { symmetricEigen } from './symmetric-eigen.js';

/**
 * Singular values below this fraction of the largest are treated as exactly zero. The float32
 * inputs carry ≈ 1e-7 relative rounding and the products ≈ 1e-6; 1e-4 leaves a 100× margin over
 * that noise while keeping every direction that can matter in a merge (σᵢ/σ₁ ≥ 1e-4).
 */
export const NULL_SINGULAR_VALUE_REL_TOL = 1e-4;

/** Oversampling p of the range finder (Halko et al. §4.2 recommend 5–10). */
export const DEFAULT_OVERSAMPLES = 10;
/** Power iterations q (torch.svd_lowrank's default `niter=2`). */
export const DEFAULT_POWER_ITERATIONS = 2;
/** Matrices with max·min² below this many multiply-adds use the exact Jacobi SVD. */
export const EXACT_SVD_MAX_WORK = 256 * 128 * 128;

/** Options of {@link truncatedSvd}. */
export interface TruncatedSvdOptions {
  /** Seed of the Gaussian test matrix; same seed → same bits. */
  readonly seed: number;
  readonly oversamples?: number;
  readonly powerIterations?: number;
  /** `'auto'` (default): exact Jacobi for small matrices, randomized otherwise. */
  readonly method?: 'auto' | 'exact' | 'randomized';
}

/**
 * The top-`rank` singular triplets of `a`: U m×k, s (k, descending), Vt k×n with k = min(rank,
 * min(m, n)). Dropped null directions appear as zero columns/values/rows at the end.
 * @throws AppError MERGE_INPUT_INVALID when `a` contains non-finite values.
 */
export async function truncatedSvd(
  backend: LinalgBackend,
  a: Matrix,
  rank: number,
  options: TruncatedSvdOptions,
): Promise<Svd> {
  const { rows: m, cols: n } = a;
  const r = Math.min(m, n);
  const k = Math.max(0, Math.min(Math.floor(rank), r));
  const method = options.method ?? 'auto';
  const useExact = method === 'exact' || (method === 'auto' && Math.max(m, n) * r * r <= EXACT_SVD_MAX_WORK);
  assertFinite(a);
  if (useExact) {
    return dropNullDirections(truncate(jacobiSvd(a), k));
  }
  const l = Math.min(r, k + (options.oversamples ?? DEFAULT_OVERSAMPLES));
  const q = options.powerIterations ?? DEFAULT_POWER_ITERATIONS;
  if (k === 0) return emptySvd(m, n);
  const omega = { data: fillStandardNormal(new Float32Array(n * l), options.seed), rows: n, cols: l };
  // One CholeskyQR pass suffices inside the loop (only the span matters there); the final basis
  // gets two, so Rayleigh–Ritz sees orthonormal columns.
  let basis = await orthonormalizeColumns(backend, await backend.gemm(a, omega), q === 0 ? 2 : 1);
  for (let it = 0; it < q; it++) {
    const z = await orthonormalizeColumns(backend, await backend.gemm(a, basis, { transA: true }), 1);
    basis = await orthonormalizeColumns(backend, await backend.gemm(a, z), it === q - 1 ? 2 : 1);
  }
  // B = Qᵀ A is l×n; keep it transposed (Bt = AᵀQ, n×l) so its Gram is a column Gram.
  const bt = await backend.gemm(a, basis, { transA: true });
  const gram = await backend.gram64(bt, 'cols'); // B Bᵀ, l×l, float64
  for (let i = 0; i < gram.length; i++) {
    if (!Number.isFinite(gram[i]))
      throw new AppError('MERGE_INPUT_INVALID', 'Cannot compute an SVD: matrix has non-finite values');
  }
  const eig = symmetricEigen(gram, l);
  const s = new Float32Array(k);
  const top = Math.sqrt(Math.max(eig.values[0], 0));
  let kept = 0;
  for (let i = 0; i < k; i++) {
    const sigma = Math.sqrt(Math.max(eig.values[i], 0));
    if (!(sigma > NULL_SINGULAR_VALUE_REL_TOL * top)) break;
    s[i] = sigma;
    kept++;
  }
  // W: kept×l, rows = eigenvectors of B Bᵀ (left singular vectors of B in the Q basis).
  const w = new Float32Array(k * l);
  for (let i = 0; i < kept; i++) for (let j = 0; j < l; j++) w[i * l + j] = eig.vectorRows[i * l + j];
  const wm = { data: w, rows: k, cols: l };
  const u = await backend.gemm(basis, wm, { transB: true }); // m×k
  const vt = await backend.gemm(wm, bt, { transB: true }); // k×n = W B
  for (let i = 0; i < kept; i++) {
    const inv = 1 / s[i];
    const row = vt.data.subarray(i * n, (i + 1) * n);
    for (let j = 0; j < n; j++) row[j] *= inv;
  }
  return { u, s, vt };
}

function truncate(svd: Svd, k: number): Svd {
  const { u, s, vt } = svd;
  if (k === s.length) return svd;
  const ud = new Float32Array(u.rows * k);
  for (let i = 0; i < u.rows; i++) ud.set(u.data.subarray(i * u.cols, i * u.cols + k), i * k);
  return {
    u: { data: ud, rows: u.rows, cols: k },
    s: s.slice(0, k),
    vt: { data: vt.data.slice(0, k * vt.cols), rows: k, cols: vt.cols },
  };
}

/** Zeroes triplets with σ ≤ NULL_SINGULAR_VALUE_REL_TOL·σ₁ (their vectors are arbitrary). */
export function dropNullDirections(svd: Svd): Svd {
  const { u, s, vt } = svd;
  const cutoff = NULL_SINGULAR_VALUE_REL_TOL * (s.length > 0 ? s[0] : 0);
  for (let i = 0; i < s.length; i++) {
    if (s[i] > cutoff) continue;
    s[i] = 0;
    for (let row = 0; row < u.rows; row++) u.data[row * u.cols + i] = 0;
    vt.data.fill(0, i * vt.cols, (i + 1) * vt.cols);
  }
  return svd;
}

function emptySvd(m: number, n: number): Svd {
  return {
    u: { data: new Float32Array(0), rows: m, cols: 0 },
    s: new Float32Array(0),
    vt: { data: new Float32Array(0), rows: 0, cols: n },
  };
}

function assertFinite(a: Matrix): void {
  if (firstNonFiniteIndex(a.data) >= 0)
    throw new AppError('MERGE_INPUT_INVALID', 'Cannot compute an SVD: matrix has non-finite values');
}
