/**
 * Pure-TypeScript matrix product for sizes where an ONNX Runtime call costs more than the work.
 * Accumulates in float64, so it also serves as the reference for the ORT path in tests.
 */
import assert from 'node:assert/strict';
import type { Matrix } from './matrix.js';

/** Which operands enter the product transposed: `op(A) · op(B)`. */
export interface GemmOptions {
  readonly transA?: boolean;
  readonly transB?: boolean;
}

/** Shape of `op(A) · op(B)`; throws (assertion) when the inner dimensions differ. */
export function gemmShape(
  a: Matrix,
  b: Matrix,
  options: GemmOptions = {},
): { m: number; k: number; n: number } {
  const m = options.transA === true ? a.cols : a.rows;
  const k = options.transA === true ? a.rows : a.cols;
  const kb = options.transB === true ? b.cols : b.rows;
  const n = options.transB === true ? b.rows : b.cols;
  assert.equal(k, kb, `gemm inner dimensions differ: ${k} vs ${kb}`);
  return { m, k, n };
}

/** `op(A) · op(B)` computed in TypeScript with float64 accumulation. */
export function gemmTs(a: Matrix, b: Matrix, options: GemmOptions = {}): Matrix {
  const { m, k, n } = gemmShape(a, b, options);
  const out = new Float32Array(m * n);
  const ad = a.data;
  const bd = b.data;
  // Strides of op(A)(i, p) and op(B)(p, j) in the row-major storage.
  const aRow = options.transA === true ? 1 : a.cols;
  const aCol = options.transA === true ? a.cols : 1;
  const bRow = options.transB === true ? 1 : b.cols;
  const bCol = options.transB === true ? b.cols : 1;
  if (options.transB !== true) {
    // i-p-j order: the inner loop walks a row of B and a row of the output contiguously.
    const acc = new Float64Array(n);
    for (let i = 0; i < m; i++) {
      acc.fill(0);
      for (let p = 0; p < k; p++) {
        const av = ad[i * aRow + p * aCol];
        if (av === 0) continue;
        const bOff = p * bRow;
        for (let j = 0; j < n; j++) acc[j] += av * bd[bOff + j];
      }
      const oOff = i * n;
      for (let j = 0; j < n; j++) out[oOff + j] = acc[j];
    }
    return { data: out, rows: m, cols: n };
  }
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < n; j++) {
      let sum = 0;
      for (let p = 0; p < k; p++) sum += ad[i * aRow + p * aCol] * bd[p * bRow + j * bCol];
      out[i * n + j] = sum;
    }
  }
  return { data: out, rows: m, cols: n };
}
