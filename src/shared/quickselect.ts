/**
 * The value that would sit at position `k` if `a[left..right]` were sorted ascending, partitioning
 * that range in place around it (Hoare partitions with median-of-three pivots, which keep sorted
 * and constant inputs from degrading to O(n²)): afterwards no value left of `k` is larger and none
 * right of it smaller. O(n) on average. `a` must hold no NaN.
 */
export function selectInPlace(a: Float64Array, k: number, left = 0, right = a.length - 1): number {
  let l = left;
  let r = right;
  while (r > l) {
    const m = (l + r) >>> 1;
    if (a[m] < a[l]) swap(a, m, l);
    if (a[r] < a[l]) swap(a, r, l);
    if (a[r] < a[m]) swap(a, r, m);
    const pivot = a[m];
    let i = l;
    let j = r;
    while (i <= j) {
      while (a[i] < pivot) i++;
      while (a[j] > pivot) j--;
      if (i <= j) {
        swap(a, i, j);
        i++;
        j--;
      }
    }
    if (k <= j) r = j;
    else if (k >= i) l = i;
    else return a[k];
  }
  return a[k];
}

function swap(a: Float64Array, i: number, j: number): void {
  const t = a[i];
  a[i] = a[j];
  a[j] = t;
}
