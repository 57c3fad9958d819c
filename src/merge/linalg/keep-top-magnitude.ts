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
  const mags = new Float32Array(n);
  for (let i = 0; i < n; i++) mags[i] = Math.abs(x[i]);
  // The count-th largest magnitude = element n − count in ascending order.
  const threshold = quickselect(mags, n - count);
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

/** k-th smallest (0-based) of `a`, reordering `a` (Hoare partition, median-of-three pivots). */
function quickselect(a: Float32Array, k: number): number {
  let lo = 0;
  let hi = a.length - 1;
  while (hi > lo) {
    const mid = (lo + hi) >>> 1;
    // Median of three keeps sorted and constant inputs from degrading to O(n²).
    const x = a[lo];
    const y = a[mid];
    const z = a[hi];
    const pivot = x < y ? (y < z ? y : x < z ? z : x) : x < z ? x : y < z ? z : y;
    let i = lo;
    let j = hi;
    while (i <= j) {
      while (a[i] < pivot) i++;
      while (a[j] > pivot) j--;
      if (i <= j) {
        const t = a[i];
        a[i] = a[j];
        a[j] = t;
        i++;
        j--;
      }
    }
    if (k <= j) hi = j;
    else if (k >= i) lo = i;
    else return a[k];
  }
  return a[k];
}
