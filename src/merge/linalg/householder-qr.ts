/**
 * Thin Householder QR in float64 (Golub & Van Loan Alg. 5.2.1) for small dense steps: A = Q·R with
 * A m×n (m ≥ n), Q m×n with orthonormal columns, R n×n upper triangular.
 */
import assert from 'node:assert/strict';

/** Thin QR factors, row-major float64. */
export interface ThinQr {
  readonly q: Float64Array;
  readonly r: Float64Array;
  readonly rows: number;
  readonly cols: number;
}

/** Thin QR of the row-major m×n matrix `a` (m ≥ n); `a` is not modified. */
export function householderQr(a: Float64Array | Float32Array, m: number, n: number): ThinQr {
  assert.equal(a.length, m * n, 'householderQr needs an m×n matrix');
  assert.ok(m >= n, 'householderQr needs rows ≥ cols');
  const w = Float64Array.from(a);
  const vs = new Float64Array(m * n); // Householder vectors, column j stored in row j of `vs`
  const r = new Float64Array(n * n);
  const col = new Float64Array(m);
  for (let j = 0; j < n; j++) {
    let norm = 0;
    for (let i = j; i < m; i++) norm += w[i * n + j] * w[i * n + j];
    norm = Math.sqrt(norm);
    const v = vs.subarray(j * m, j * m + m);
    if (norm === 0) continue; // zero column: H_j = I, R(j,j) = 0
    const alpha = w[j * n + j] > 0 ? -norm : norm; // sign choice avoids cancellation in v_j
    for (let i = j; i < m; i++) v[i] = w[i * n + j];
    v[j] -= alpha;
    let vnorm2 = 0;
    for (let i = j; i < m; i++) vnorm2 += v[i] * v[i];
    for (let i = j; i < m; i++) v[i] /= Math.sqrt(vnorm2);
    // Apply H_j = I − 2vvᵀ to the trailing columns.
    for (let c = j; c < n; c++) {
      let dot = 0;
      for (let i = j; i < m; i++) dot += v[i] * w[i * n + c];
      for (let i = j; i < m; i++) w[i * n + c] -= 2 * dot * v[i];
    }
  }
  for (let i = 0; i < n; i++) for (let c = i; c < n; c++) r[i * n + c] = w[i * n + c];
  // Q = H_0 H_1 … H_{n-1} applied to the first n columns of I, column by column.
  const q = new Float64Array(m * n);
  for (let c = 0; c < n; c++) {
    col.fill(0);
    col[c] = 1;
    for (let j = n - 1; j >= 0; j--) {
      const v = vs.subarray(j * m, j * m + m);
      let dot = 0;
      for (let i = j; i < m; i++) dot += v[i] * col[i];
      if (dot === 0) continue;
      for (let i = j; i < m; i++) col[i] -= 2 * dot * v[i];
    }
    for (let i = 0; i < m; i++) q[i * n + c] = col[i];
  }
  return { q, r, rows: m, cols: n };
}
