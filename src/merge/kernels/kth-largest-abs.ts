import { wasmBracketCount } from './wasm/task-arithmetic-wasm.js';

/** Histograms of the radix select: the high 15 bits of |x|'s float32 pattern, then the low 16. */
const HIGH_BINS = 1 << 15;
const LOW_BINS = 1 << 16;
let highCounts: Uint32Array | undefined;
let lowCounts: Uint32Array | undefined;
const bitsOfOne = new Uint32Array(1);
const floatOfBits = new Float32Array(bitsOfOne.buffer);

/** Below this many entries the radix select runs directly (a sample would not pay for itself). */
const BRACKET_MIN_LENGTH = 1 << 16;
/** Half-width of the bracket around the sample's estimate, in binomial standard deviations. */
const BRACKET_SIGMAS = 4;

/**
 * The k-th largest |x| of a tensor (k ≥ 1), exactly. Large tensors: a strided sample of about
 * 2·n^(2/3) entries brackets the answer (its order statistics BRACKET_SIGMAS binomial standard
 * deviations either side of rank k·s/n), one WebAssembly SIMD pass counts the entries above the
 * bracket and collects those inside it, and a selection among the few inside gives the exact
 * value; if the sample misled (the answer is outside the bracket, or too many entries fell inside),
 * the radix select below runs instead, so the result never depends on the sample. `values` must
 * hold no NaN.
 */
export function kthLargestAbs(values: Float32Array, k: number): number {
  const n = values.length;
  if (k < 1 || k > n) throw new RangeError(`kthLargestAbs: k=${k} outside [1, ${n}]`);
  if (n >= BRACKET_MIN_LENGTH) {
    const found = kthLargestAbsBracketed(values, k);
    if (found !== undefined) return found;
  }
  return kthLargestAbsRadix(values, k);
}

/** The bracketed selection of {@link kthLargestAbs}; undefined when the bracket missed. */
export function kthLargestAbsBracketed(values: Float32Array, k: number): number | undefined {
  const n = values.length;
  const size = Math.min(n, Math.ceil(2 * n ** (2 / 3)));
  const sample = new Float32Array(size);
  for (let j = 0; j < size; j++) sample[j] = Math.abs(values[Math.floor(((j + 0.5) * n) / size)]);
  // ranks of the bracket's ends among the sample, from the top (1-based), around k's expected rank
  const q = k / n;
  const center = q * size;
  const spread = BRACKET_SIGMAS * Math.sqrt(size * q * (1 - q)) + 2;
  const topRankHi = Math.floor(center - spread);
  const topRankLo = Math.ceil(center + spread);
  // hi: the sample's topRankHi-th largest; lo: its topRankLo-th largest (radix selections, several
  // times faster than a quickselect, whose comparisons are as many mispredicted branches)
  const hi = topRankHi < 1 ? Number.POSITIVE_INFINITY : kthLargestAbsRadix(sample, topRankHi);
  const lo = topRankLo > size ? 0 : kthLargestAbsRadix(sample, topRankLo);
  const expectedInside = ((topRankLo - topRankHi + 1) / size) * n;
  const cap = Math.ceil(2 * expectedInside) + 4096;
  const { above, inside, values: between } = wasmBracketCount(values, lo, hi, cap);
  if (between === null || above >= k || above + inside < k) return undefined;
  return kthLargestInBracket(between, k - above, lo, hi);
}

/**
 * The k-th largest of `a`, whose entries all lie in [lo, hi] (non-negative, no NaN): the radix
 * select of {@link kthLargestAbsRadix} on the offsets of their bit patterns from lo's. A narrow
 * bracket spans few bit patterns, so the first histogram leaves a bucket of a handful of them;
 * a quickselect over the same entries costs several times more (a mispredicted branch per
 * comparison).
 */
function kthLargestInBracket(a: Float32Array, k: number, lo: number, hi: number): number {
  floatOfBits[0] = lo;
  const loBits = bitsOfOne[0];
  floatOfBits[0] = hi;
  return radixSelect(a, k, loBits, bitsOfOne[0] - loBits);
}

/**
 * The radix select: for non-negative floats the float32 bit pattern orders like the value, so
 * |x|'s pattern (the sign bit cleared) does for any x. Pass 1 counts the high 15 bits and finds
 * the bucket holding the k-th largest; pass 2 counts the low 16 bits inside that bucket. Reads the
 * input twice, writes nothing and allocates no copy (the two histograms, 384 KiB, are reused).
 */
export function kthLargestAbsRadix(values: Float32Array, k: number): number {
  const n = values.length;
  if (k < 1 || k > n) throw new RangeError(`kthLargestAbs: k=${k} outside [1, ${n}]`);
  return radixSelect(values, k, 0, 0x7fffffff);
}

/**
 * The two-level radix select behind both: keys are |x|'s bit pattern minus `loBits`, all in
 * [0, span] (span < 2^31); the first histogram takes the keys' top 15 significant bits, the second
 * the rest within the bucket holding the k-th largest.
 */
function radixSelect(a: Float32Array, k: number, loBits: number, span: number): number {
  const bits = new Uint32Array(a.buffer, a.byteOffset, a.length);
  const lowWidth = Math.max(0, 32 - Math.clz32(span) - 15);
  const high = (highCounts ??= new Uint32Array(HIGH_BINS));
  const low = (lowCounts ??= new Uint32Array(LOW_BINS));
  let bucket = span >>> lowWidth;
  high.fill(0, 0, bucket + 1);
  const n = a.length;
  for (let i = 0; i < n; i++) high[(((bits[i] & 0x7fffffff) - loBits) | 0) >>> lowWidth]++;
  let rank = k; // rank of the wanted value among those in buckets ≤ the current one, from the top
  while (high[bucket] < rank) rank -= high[bucket--];
  if (lowWidth === 0) {
    bitsOfOne[0] = loBits + bucket;
    return floatOfBits[0];
  }
  const lowMask = (1 << lowWidth) - 1;
  low.fill(0, 0, lowMask + 1);
  for (let i = 0; i < n; i++) {
    const key = ((bits[i] & 0x7fffffff) - loBits) | 0;
    if (key >>> lowWidth === bucket) low[key & lowMask]++;
  }
  let lowBits = lowMask;
  while (low[lowBits] < rank) rank -= low[lowBits--];
  bitsOfOne[0] = loBits + ((bucket << lowWidth) | lowBits);
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
