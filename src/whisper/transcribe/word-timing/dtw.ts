/** A monotonic alignment path: `rowIndices[k]` is matched with `colIndices[k]`. */
export interface DtwPath {
  readonly rowIndices: Int32Array;
  readonly colIndices: Int32Array;
}

/**
 * Dynamic time warping over a [rows, cols] cost matrix (lower = better): the cheapest monotonic
 * path from (0, 0) to (rows−1, cols−1) with diagonal, down and right steps. Tie-breaking and the
 * backtrace (first row/column forced) copy openai's CPU version so paths are identical.
 * ref: openai/whisper whisper/timing.py@c0d2f62 (`dtw_cpu`, `backtrace`).
 */
export function dtw(cost: Float32Array, rows: number, cols: number): DtwPath {
  const W = cols + 1;
  // float32 accumulation, as openai's `np.float32` cost table (ties break identically).
  const acc = new Float32Array((rows + 1) * W).fill(Infinity);
  const trace = new Int8Array((rows + 1) * W).fill(-1);
  acc[0] = 0;
  for (let j = 1; j <= cols; j++) {
    for (let i = 1; i <= rows; i++) {
      const c0 = acc[(i - 1) * W + j - 1];
      const c1 = acc[(i - 1) * W + j];
      const c2 = acc[i * W + j - 1];
      let c: number;
      let t: number;
      if (c0 < c1 && c0 < c2) {
        c = c0;
        t = 0;
      } else if (c1 < c0 && c1 < c2) {
        c = c1;
        t = 1;
      } else {
        c = c2;
        t = 2;
      }
      acc[i * W + j] = cost[(i - 1) * cols + j - 1] + c;
      trace[i * W + j] = t;
    }
  }
  for (let j = 0; j <= cols; j++) trace[j] = 2;
  for (let i = 0; i <= rows; i++) trace[i * W] = 1;
  const path: [number, number][] = [];
  let i = rows;
  let j = cols;
  while (i > 0 || j > 0) {
    path.push([i - 1, j - 1]);
    const t = trace[i * W + j];
    if (t === 0) {
      i--;
      j--;
    } else if (t === 1) i--;
    else j--;
  }
  path.reverse();
  return { rowIndices: Int32Array.from(path, (p) => p[0]), colIndices: Int32Array.from(path, (p) => p[1]) };
}
