/**
 * Test fixtures for the linear algebra: matrices with a prescribed spectrum, A = Q₁·diag(s)·Q₂ᵀ
 * with Q₁, Q₂ orthonormal from the Householder QR of seeded Gaussian matrices. Used by tests
 * and benches only.
 */
import { gemmTs } from './gemm-ts.js';
import { householderQr } from './householder-qr.js';
import type { Matrix } from './matrix.js';
import { fillStandardNormal } from './seeded-normal.js';

/** Seeded Gaussian m×n matrix. */
export function gaussianMatrix(rows: number, cols: number, seed: number): Matrix {
  return { data: fillStandardNormal(new Float32Array(rows * cols), seed), rows, cols };
}

/** m×k matrix with orthonormal columns (k ≤ m). */
export function orthonormalColumns(rows: number, k: number, seed: number): Matrix {
  const qr = householderQr(gaussianMatrix(rows, k, seed).data, rows, k);
  return { data: Float32Array.from(qr.q), rows, cols: k };
}

/** An m×n matrix whose singular values are exactly `s` (length ≤ min(m, n)), plus its factors. */
export function matrixWithSpectrum(
  rows: number,
  cols: number,
  s: ArrayLike<number>,
  seed: number,
): { a: Matrix; u: Matrix; vt: Matrix } {
  const k = s.length;
  const u = orthonormalColumns(rows, k, seed);
  const v = orthonormalColumns(cols, k, seed + 7919);
  const vt: Matrix = { data: new Float32Array(k * cols), rows: k, cols };
  for (let i = 0; i < k; i++) for (let j = 0; j < cols; j++) vt.data[i * cols + j] = v.data[j * k + i];
  const us: Matrix = { data: new Float32Array(rows * k), rows, cols: k };
  for (let i = 0; i < rows; i++) for (let j = 0; j < k; j++) us.data[i * k + j] = u.data[i * k + j] * s[j];
  return { a: gemmTs(us, vt), u, vt };
}

/** ‖x − y‖_F / ‖y‖_F in float64. */
export function relativeError(x: ArrayLike<number>, y: ArrayLike<number>): number {
  let d = 0;
  let n = 0;
  for (let i = 0; i < y.length; i++) {
    d += (x[i] - y[i]) ** 2;
    n += y[i] ** 2;
  }
  return n === 0 ? Math.sqrt(d) : Math.sqrt(d / n);
}
