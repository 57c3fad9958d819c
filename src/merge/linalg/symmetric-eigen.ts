/**
 * Symmetric eigendecomposition in float64: Householder tridiagonalization (Golub & Van Loan
 * Alg. 8.3.1) and implicit QL with Wilkinson shifts (EISPACK tql2, as in JAMA's
 * EigenvalueDecomposition). O(n³); meant for the small dense Gram matrices of the randomized SVD (n ≲ 500).
 * The O(n³) inner loops run in WebAssembly SIMD on matrices in the module's memory (dense-kernels.ts).
 */
import assert from 'node:assert/strict';
import { denseKernels, denseWorkspace } from './dense-kernels.js';

// QL converges in 1–3 iterations per eigenvalue; the cap only guards against NaN-free stalls.
const QL_MAX_ITERATIONS = 64;

/** Eigenpairs sorted by descending eigenvalue. */
export interface SymmetricEigen {
  readonly n: number;
  /** Eigenvalues, descending. */
  readonly values: Float64Array;
  /** Row-major n×n; ROW i is the unit eigenvector of `values[i]`. */
  readonly vectorRows: Float64Array;
}

/** Eigendecomposition of the symmetric n×n row-major matrix `a` (only read, never modified). */
export function symmetricEigen(a: Float64Array, n: number): SymmetricEigen {
  assert.equal(a.length, n * n, 'symmetricEigen needs an n×n matrix');
  if (n === 0) return { n, values: new Float64Array(0), vectorRows: new Float64Array(0) };
  const { m, work } = tridiagonalWorkspace(a, n, true);
  const d = new Float64Array(n);
  const e = new Float64Array(n);
  // w = Qᵀ with A = Q·T·Qᵀ; tql2 rotates pairs of its rows (= eigenvector columns of Q), which are contiguous.
  const w = tridiagonalize(m, d, e, n, work);
  tql2(w, d, e, n);
  const order = Array.from({ length: n }, (_, i) => i).sort((x, y) => d[y] - d[x]);
  const values = new Float64Array(n);
  const vectorRows = new Float64Array(n * n);
  for (let r = 0; r < n; r++) {
    values[r] = d[order[r]];
    if (w !== undefined) vectorRows.set(w.subarray(order[r] * n, order[r] * n + n), r * n);
  }
  return { n, values, vectorRows };
}

/**
 * The eigenvalues of the symmetric n×n row-major matrix `a`, descending: the same reduction and
 * QL iteration as {@link symmetricEigen} without accumulating eigenvectors (about a third of its
 * work, and a quarter of its workspace).
 */
export function symmetricEigenvalues(a: Float64Array, n: number): Float64Array {
  assert.equal(a.length, n * n, 'symmetricEigenvalues needs an n×n matrix');
  if (n === 0) return new Float64Array(0);
  const { m, work } = tridiagonalWorkspace(a, n, false);
  const d = new Float64Array(n);
  const e = new Float64Array(n);
  tridiagonalize(m, d, e, n, work);
  tql2(undefined, d, e, n);
  return d.sort().reverse();
}

/** Workspace views of {@link tridiagonalize}. */
interface TridiagonalWork {
  /** Householder vector of step k in row k (entries k+1..n−1); absent without eigenvectors. */
  readonly vs: Float64Array | undefined;
  /** The one Householder vector in use when `vs` is absent. */
  readonly v: Float64Array;
  readonly q: Float64Array | undefined;
  /** Receives Qᵀ. */
  readonly qt: Float64Array | undefined;
  readonly p: Float64Array;
  readonly r: Float64Array;
}

/**
 * The matrix to reduce, copied and symmetrized into the WebAssembly module's memory
 * (dense-kernels.ts), and the views around it: with eigenvectors the Householder vectors, Q and
 * Qᵀ too (4·n² + 3·n doubles), without them n² + 3·n.
 */
function tridiagonalWorkspace(
  a: Float64Array,
  n: number,
  withVectors: boolean,
): { m: Float64Array; work: TridiagonalWork } {
  const nn = n * n;
  const matrices = withVectors ? 4 : 1;
  const ws = denseWorkspace(matrices * nn + 3 * n);
  const m = ws.subarray(0, nn);
  m.set(a);
  // Symmetrize: callers pass Gram matrices computed in float32 whose halves may differ by rounding.
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < i; j++) {
      const s = 0.5 * (m[i * n + j] + m[j * n + i]);
      m[i * n + j] = s;
      m[j * n + i] = s;
    }
  }
  const vectors = matrices * nn;
  const work: TridiagonalWork = {
    vs: withVectors ? ws.subarray(nn, 2 * nn) : undefined,
    q: withVectors ? ws.subarray(2 * nn, 3 * nn) : undefined,
    qt: withVectors ? ws.subarray(3 * nn, 4 * nn) : undefined,
    v: ws.subarray(vectors, vectors + n),
    p: ws.subarray(vectors + n, vectors + 2 * n),
    r: ws.subarray(vectors + 2 * n, vectors + 3 * n),
  };
  return { m, work };
}

/**
 * Householder reduction A = Q·T·Qᵀ (Golub & Van Loan Alg. 8.3.1) on the upper triangle only (the
 * symmetric product and rank-2 update each touch half the trailing block, every inner loop a
 * contiguous row), with Q accumulated backwards (LAPACK's dorgtr order: each reflector meets an
 * identity outside the trailing block) when the workspace has room for it. Fills d (diagonal)
 * and e (e[i] = T[i, i−1], e[0] = 0, the tql2 convention); returns Qᵀ row-major, or undefined
 * without eigenvectors. `a` is overwritten.
 */
function tridiagonalize(
  a: Float64Array,
  d: Float64Array,
  e: Float64Array,
  n: number,
  { vs, v: single, q, qt, p, r }: TridiagonalWork,
): Float64Array | undefined {
  const kernels = denseKernels();
  const betas = new Float64Array(n);
  for (let k = 0; k < n - 2; k++) {
    const row = k * n;
    let norm2 = 0;
    for (let i = k + 1; i < n; i++) norm2 += a[row + i] * a[row + i];
    const x0 = a[row + k + 1];
    let tail2 = norm2 - x0 * x0;
    if (tail2 <= 0) tail2 = 0;
    d[k] = a[row + k];
    if (tail2 === 0) {
      // Already tridiagonal in this column: H_k = I.
      e[k + 1] = x0;
      continue;
    }
    const alpha = x0 > 0 ? -Math.sqrt(norm2) : Math.sqrt(norm2);
    const v = vs === undefined ? single : vs.subarray(row, row + n);
    for (let i = k + 1; i < n; i++) v[i] = a[row + i];
    v[k + 1] = x0 - alpha;
    const vnorm2 = tail2 + v[k + 1] * v[k + 1];
    const beta = 2 / vnorm2;
    betas[k] = beta;
    e[k + 1] = alpha;
    // p = S·v from the upper triangle of the trailing block S, then w = β·p − (β²·pᵀv/2)·v.
    kernels.symvUpper(a.byteOffset, v.byteOffset, p.byteOffset, n, k);
    let pv = 0;
    for (let i = k + 1; i < n; i++) {
      p[i] *= beta;
      pv += p[i] * v[i];
    }
    const kk = 0.5 * beta * pv;
    for (let i = k + 1; i < n; i++) p[i] -= kk * v[i]; // p is now w
    // S −= v·wᵀ + w·vᵀ on the upper triangle.
    kernels.syr2Upper(a.byteOffset, v.byteOffset, p.byteOffset, n, k);
  }
  if (n >= 2) {
    d[n - 2] = a[(n - 2) * n + n - 2];
    e[n - 1] = a[(n - 2) * n + n - 1];
  }
  d[n - 1] = a[(n - 1) * n + n - 1];
  e[0] = 0;
  if (vs === undefined || q === undefined || qt === undefined) return undefined;
  // Q = H_0·H_1···H_{n−3}, accumulated backwards: when H_k is applied, rows and columns ≤ k of
  // the product are still the identity's, so only the trailing block changes.
  q.fill(0);
  for (let i = 0; i < n; i++) q[i * n + i] = 1;
  for (let k = n - 3; k >= 0; k--) {
    const beta = betas[k];
    if (beta === 0) continue;
    kernels.reflectTrailing(q.byteOffset, vs.byteOffset + k * n * 8, r.byteOffset, beta, n, k);
  }
  // tql2 rotates rows of Qᵀ (eigenvector columns of Q).
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) qt[j * n + i] = q[i * n + j];
  return qt;
}

/** √(a² + b²): the plain formula where it cannot overflow or underflow, Math.hypot (slow in V8) elsewhere. */
function hypot(a: number, b: number): number {
  const s = a * a + b * b;
  return s > 1e-290 && s < 1e290 ? Math.sqrt(s) : Math.hypot(a, b);
}

/** Implicit QL on the tridiagonal (d, e); `w` rows are the eigenvectors being accumulated (none when absent). */
function tql2(w: Float64Array | undefined, d: Float64Array, e: Float64Array, n: number): void {
  const kernels = denseKernels();
  for (let i = 1; i < n; i++) e[i - 1] = e[i];
  e[n - 1] = 0;
  let f = 0;
  let tst1 = 0;
  const eps = Number.EPSILON;
  for (let l = 0; l < n; l++) {
    tst1 = Math.max(tst1, Math.abs(d[l]) + Math.abs(e[l]));
    let m = l;
    while (m < n) {
      if (Math.abs(e[m]) <= eps * tst1) break;
      m++;
    }
    if (m === n) m = n - 1;
    if (m > l) {
      let iterations = 0;
      do {
        let g = d[l];
        let p = (d[l + 1] - g) / (2 * e[l]);
        let r = hypot(p, 1);
        if (p < 0) r = -r;
        d[l] = e[l] / (p + r);
        d[l + 1] = e[l] * (p + r);
        const dl1 = d[l + 1];
        let h = g - d[l];
        for (let i = l + 2; i < n; i++) d[i] -= h;
        f += h;
        p = d[m];
        let c = 1;
        let c2 = c;
        let c3 = c;
        const el1 = e[l + 1];
        let s = 0;
        let s2 = 0;
        for (let i = m - 1; i >= l; i--) {
          c3 = c2;
          c2 = c;
          s2 = s;
          g = c * e[i];
          h = c * p;
          r = hypot(p, e[i]);
          e[i + 1] = s * r;
          s = e[i] / r;
          c = p / r;
          p = c * d[i] - s * g;
          d[i + 1] = h + s * (c * g + s * d[i]);
          // rows i and i + 1 of w: w[i+1] ← s·w[i] + c·w[i+1], w[i] ← c·w[i] − s·w[i+1]
          if (w !== undefined)
            kernels.rotateRows(w.byteOffset + i * n * 8, w.byteOffset + (i + 1) * n * 8, c, s, n);
        }
        p = (-s * s2 * c3 * el1 * e[l]) / dl1;
        e[l] = s * p;
        d[l] = c * p;
      } while (Math.abs(e[l]) > eps * tst1 && ++iterations < QL_MAX_ITERATIONS);
    }
    d[l] += f;
    e[l] = 0;
  }
}
