/**
 * Median filter of odd width along each row of a [rows, cols] matrix, reflect-padded at both
 * ends (numpy/torch "reflect": the edge sample is not repeated). Rows no longer than width/2 are
 * copied unchanged, as openai does. Writes into `out`.
 * ref: openai/whisper whisper/timing.py@c0d2f62 (`median_filter`).
 */
export function medianFilterRowsInto(
  out: Float32Array,
  x: Float32Array,
  rows: number,
  cols: number,
  width: number,
): Float32Array {
  const pad = Math.floor(width / 2);
  if (cols <= pad) {
    out.set(x.subarray(0, rows * cols));
    return out;
  }
  const window = new Float32Array(width);
  for (let r = 0; r < rows; r++) {
    const row = x.subarray(r * cols, (r + 1) * cols);
    for (let c = 0; c < cols; c++) {
      for (let k = 0; k < width; k++) {
        let i = c - pad + k;
        if (i < 0) i = -i;
        else if (i >= cols) i = 2 * (cols - 1) - i;
        window[k] = row[i];
      }
      window.sort();
      out[r * cols + c] = window[pad];
    }
  }
  return out;
}
