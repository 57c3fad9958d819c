/**
 * Dense row-major float32 matrix (CONVENTIONS.md §8), the unit of exchange of the merge
 * linear algebra. Small dense factorizations work on Float64Array copies instead.
 */
import assert from 'node:assert/strict';

/** A row-major float32 matrix: element (i, j) is `data[i * cols + j]`. */
export interface Matrix {
  readonly data: Float32Array;
  readonly rows: number;
  readonly cols: number;
}

/** A zero-filled `rows × cols` matrix. */
export function createMatrix(rows: number, cols: number): Matrix {
  return { data: new Float32Array(rows * cols), rows, cols };
}

/** Wraps `data` (not copied) as a `rows × cols` matrix. */
export function matrixFrom(data: Float32Array, rows: number, cols: number): Matrix {
  assert.equal(data.length, rows * cols, 'matrix data length must equal rows × cols');
  return { data, rows, cols };
}

/** The transpose, as a new matrix. */
export function transposeMatrix(a: Matrix): Matrix {
  const out = new Float32Array(a.data.length);
  const { rows, cols, data } = a;
  // Blocked so both the read and the write stay within a few cache lines per tile.
  const TILE = 32;
  for (let i0 = 0; i0 < rows; i0 += TILE) {
    const i1 = Math.min(rows, i0 + TILE);
    for (let j0 = 0; j0 < cols; j0 += TILE) {
      const j1 = Math.min(cols, j0 + TILE);
      for (let i = i0; i < i1; i++) {
        for (let j = j0; j < j1; j++) out[j * rows + i] = data[i * cols + j];
      }
    }
  }
  return { data: out, rows: cols, cols: rows };
}

/** Frobenius norm, accumulated in float64. */
export function frobeniusNorm(a: Matrix | Float32Array): number {
  const data = a instanceof Float32Array ? a : a.data;
  let sum = 0;
  for (let i = 0; i < data.length; i++) sum += data[i] * data[i];
  return Math.sqrt(sum);
}
