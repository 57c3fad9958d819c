import { selectInPlace } from '../../shared/index.js';

/**
 * Magnitude pruning of one tensor: keep exactly `count` entries of largest |x|, zero the rest
 * (ties at the threshold kept in index order, as a stable top-k would). O(n) average via
 * quickselect on a scratch copy of the magnitudes.
 */

/** Zeroes all but the `count` largest-magnitude entries of `x` in place; returns `x`. */
export function keepTopMagnitudeInPlace(x: Float32Array, count: number): Float32Array {
  const n = x.length;
  if (count >= n) return x;
  if (count <= 0) return x.fill(0);
  const mags = new Float64Array(n);
  for (let i = 0; i < n; i++) mags[i] = Math.abs(x[i]);
  // The count-th largest magnitude = element n − count in ascending order.
  const threshold = selectInPlace(mags, n - count);
  let above = 0;
  for (let i = 0; i < n; i++) if (Math.abs(x[i]) > threshold) above++;
  let tiesLeft = count - above;
  for (let i = 0; i < n; i++) {
    const a = Math.abs(x[i]);
    if (a > threshold) continue;
    if (a === threshold && tiesLeft > 0) {
      tiesLeft--;
      continue;
    }
    x[i] = 0;
  }
  return x;
}
