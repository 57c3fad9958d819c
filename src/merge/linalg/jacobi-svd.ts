/**
 * Exact thin SVD by one-sided Jacobi rotations (Hestenes 1958; Demmel & Veselić 1992) in float64.
 * High relative accuracy, O(sweeps·m·n²): the reference SVD for tests and the solver for small
 * matrices (min(m, n) ≲ 128).
 */
import type { Matrix } from './matrix.js';

/** A thin SVD A ≈ U·diag(s)·Vt with s descending. */
export interface Svd {
  /** m×r, orthonormal columns (zero columns for dropped null directions). */
  readonly u: Matrix;
  /** r singular values, descending. */
  readonly s: Float32Array;
  /** r×n, orthonormal rows (zero rows for dropped null directions). */
  readonly vt: Matrix;
}

// Rotations stop when every column pair is orthogonal to this relative tolerance (≈ float64 eps·√n).
const JACOBI_ORTHOGONALITY_TOL = 1e-15;
// Upper bound on sweeps; one-sided Jacobi converges quadratically, typically in 6–10 sweeps.
const JACOBI_MAX_SWEEPS = 60;

/** Exact thin SVD of `a` (r = min(m, n) triplets, float64 internally). */
export function jacobiSvd(a: Matrix): Svd {
  const { rows: m, cols: n } = a;
  const isWide = n > m;
  // Work on the tall orientation: columns of W (length p) are rotated, V (q×q) accumulates.
  const p = isWide ? n : m;
  const q = isWide ? m : n;
  // Column-major storage so each column is contiguous.
  const w = new Float64Array(p * q);
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < n; j++) {
      const x = a.data[i * n + j];
      if (isWide)
        w[i * p + j] = x; // column i of Aᵀ
      else w[j * p + i] = x;
    }
  }
  const v = new Float64Array(q * q); // column-major, V = I
  for (let i = 0; i < q; i++) v[i * q + i] = 1;
  for (let sweep = 0; sweep < JACOBI_MAX_SWEEPS; sweep++) {
    let rotated = false;
    for (let j = 0; j < q - 1; j++) {
      for (let k = j + 1; k < q; k++) {
        const cj = j * p;
        const ck = k * p;
        let alpha = 0;
        let beta = 0;
        let gamma = 0;
        for (let i = 0; i < p; i++) {
          const x = w[cj + i];
          const y = w[ck + i];
          alpha += x * x;
          beta += y * y;
          gamma += x * y;
        }
        if (gamma === 0 || Math.abs(gamma) <= JACOBI_ORTHOGONALITY_TOL * Math.sqrt(alpha * beta)) continue;
        rotated = true;
        const zeta = (beta - alpha) / (2 * gamma);
        const t = Math.sign(zeta || 1) / (Math.abs(zeta) + Math.sqrt(1 + zeta * zeta));
        const c = 1 / Math.sqrt(1 + t * t);
        const s = c * t;
        for (let i = 0; i < p; i++) {
          const x = w[cj + i];
          const y = w[ck + i];
          w[cj + i] = c * x - s * y;
          w[ck + i] = s * x + c * y;
        }
        const vj = j * q;
        const vk = k * q;
        for (let i = 0; i < q; i++) {
          const x = v[vj + i];
          const y = v[vk + i];
          v[vj + i] = c * x - s * y;
          v[vk + i] = s * x + c * y;
        }
      }
    }
    if (!rotated) break;
  }
  const sigma = new Float64Array(q);
  for (let j = 0; j < q; j++) {
    let sum = 0;
    for (let i = 0; i < p; i++) sum += w[j * p + i] * w[j * p + i];
    sigma[j] = Math.sqrt(sum);
  }
  const order = Array.from({ length: q }, (_, i) => i).sort((x, y) => sigma[y] - sigma[x]);
  // Left vectors of the tall problem are W's normalized columns; right vectors are V's columns.
  const left = new Float32Array(p * q); // p×q row-major
  const right = new Float32Array(q * q); // q×q row-major: row r = right vector r
  const s = new Float32Array(q);
  for (let r = 0; r < q; r++) {
    const j = order[r];
    s[r] = sigma[j];
    if (sigma[j] > 0) {
      for (let i = 0; i < p; i++) left[i * q + r] = w[j * p + i] / sigma[j];
      for (let i = 0; i < q; i++) right[r * q + i] = v[j * q + i];
    }
  }
  if (!isWide) {
    return { u: { data: left, rows: p, cols: q }, s, vt: { data: right, rows: q, cols: q } };
  }
  // A = (Aᵀ)ᵀ = (L S Rᵀ)ᵀ = R S Lᵀ: U = R (as columns), Vt = Lᵀ.
  const u = new Float32Array(q * q);
  for (let r = 0; r < q; r++) for (let i = 0; i < q; i++) u[i * q + r] = right[r * q + i];
  const vt = new Float32Array(q * p);
  for (let i = 0; i < p; i++) for (let r = 0; r < q; r++) vt[r * p + i] = left[i * q + r];
  return { u: { data: u, rows: q, cols: q }, s, vt: { data: vt, rows: q, cols: p } };
}
