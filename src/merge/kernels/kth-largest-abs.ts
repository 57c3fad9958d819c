/**
 * The k-th largest |x| of a tensor (k ≥ 1), by Floyd–Rivest-free iterative quickselect on a
 * scratch copy: O(n) expected, allocation of one Float32Array of n elements.
 */
export function kthLargestAbs(values: Float32Array, k: number): number {
  const n = values.length;
  if (k < 1 || k > n) throw new RangeError(`kthLargestAbs: k=${k} outside [1, ${n}]`);
  const a = new Float32Array(n);
  for (let i = 0; i < n; i++) a[i] = Math.abs(values[i]);
  return kthLargestInPlace(a, k);
}

/** Same as {@link kthLargestAbs} but reorders `a` (already non-negative or any values) in place. */
export function kthLargestInPlace(a: Float32Array, k: number): number {
  // k-th largest = element at index (n − k) in ascending order.
  const target = a.length - k;
  let lo = 0;
  let hi = a.length - 1;
  let state = 0x2545f491; // fixed pivot stream: deterministic, avoids adversarial O(n²) on sorted input
  while (lo < hi) {
    state = (Math.imul(state, 1_664_525) + 1_013_904_223) >>> 0;
    const p = lo + (state % (hi - lo + 1));
    const pivot = a[p];
    // Three-way partition (Dutch flag): many equal values (zeros) are common in sparse deltas.
    let lt = lo;
    let gt = hi;
    let i = lo;
    while (i <= gt) {
      const v = a[i];
      if (v < pivot) {
        a[i] = a[lt];
        a[lt] = v;
        lt++;
        i++;
      } else if (v > pivot) {
        a[i] = a[gt];
        a[gt] = v;
        gt--;
      } else {
        i++;
      }
    }
    if (target < lt) hi = lt - 1;
    else if (target > gt) lo = gt + 1;
    else return pivot;
  }
  return a[target];
}
