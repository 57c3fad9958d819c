import { argsortByMagnitudeInto } from './sort-by-magnitude.js';

/**
 * Model Breadcrumbs' mask for one task vector, per row along the last dimension (Davari &
 * Belilovsky, arXiv:2312.06795; rezazzr/breadcrumbs `src/task_vectors.py::TaskVectorMiddleKeep`,
 * `remove_first=True`): in each row of length n, zero the ⌊n·γ⌋ largest |x| (outliers), then keep
 * the next ⌊n·β⌋ largest and zero the rest. β = `density` (kept), γ = `gamma` (removed top).
 * Ties are broken by index. Conv rows have length 3, so ⌊3·β⌋ = 0 keeps nothing there, as upstream.
 */
export function middleKeepInto(
  out: Float32Array,
  delta: Float32Array,
  rowLength: number,
  density: number,
  gamma: number,
): Float32Array {
  const removeCount = Math.floor(rowLength * gamma);
  const keepCount = Math.floor(rowLength * density);
  const order = new Uint32Array(rowLength);
  const scratch = new Float64Array(rowLength);
  out.fill(0);
  for (let start = 0; start < delta.length; start += rowLength) {
    const row = delta.subarray(start, start + rowLength);
    argsortByMagnitudeInto(order, row, scratch);
    // Descending rank d = n − 1 − ascending position; keep d ∈ [removeCount, removeCount + keepCount).
    const hiPos = rowLength - 1 - removeCount;
    const loPos = Math.max(0, rowLength - removeCount - keepCount);
    for (let p = loPos; p <= hiPos; p++) {
      const j = order[p];
      out[start + j] = row[j];
    }
  }
  return out;
}
