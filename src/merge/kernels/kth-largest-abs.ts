/** Histograms of the radix select: the high 15 bits of |x|'s float32 pattern, then the low 16. */
const HIGH_BINS = 1 << 15;
const LOW_BINS = 1 << 16;
let highCounts: Uint32Array | undefined;
let lowCounts: Uint32Array | undefined;
const bitsOfOne = new Uint32Array(1);
const floatOfBits = new Float32Array(bitsOfOne.buffer);

/**
 * The k-th largest |x| of a tensor (k ≥ 1), exactly, by a two-pass radix select on the float32
 * bit patterns: for non-negative floats the pattern with the sign bit cleared orders like the
 * value. Pass 1 counts the high 15 bits and finds the bucket holding the k-th largest; pass 2
 * counts the low 16 bits inside that bucket. Reads the input twice, writes nothing and allocates
 * no copy (the two histograms, 384 KiB, are reused). `values` must hold no NaN.
 */
export function kthLargestAbs(values: Float32Array, k: number): number {
  const n = values.length;
  if (k < 1 || k > n) throw new RangeError(`kthLargestAbs: k=${k} outside [1, ${n}]`);
  const bits = new Uint32Array(values.buffer, values.byteOffset, n);
  const high = (highCounts ??= new Uint32Array(HIGH_BINS));
  const low = (lowCounts ??= new Uint32Array(LOW_BINS));
  high.fill(0);
  for (let i = 0; i < n; i++) high[(bits[i] >>> 16) & 0x7fff]++;
  let rank = k; // rank of the wanted value among those in buckets ≤ the current one, from the top
  let bucket = HIGH_BINS - 1;
  while (high[bucket] < rank) rank -= high[bucket--];
  low.fill(0);
  for (let i = 0; i < n; i++) {
    const b = bits[i];
    if (((b >>> 16) & 0x7fff) === bucket) low[b & 0xffff]++;
  }
  let lowBits = LOW_BINS - 1;
  while (low[lowBits] < rank) rank -= low[lowBits--];
  bitsOfOne[0] = ((bucket << 16) | lowBits) >>> 0;
  return floatOfBits[0];
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
