/** Histograms of the radix select: the high 15 bits of |x|'s float32 pattern, then the low 16. */
const HIGH_BINS = 1 << 15;
const LOW_BINS = 1 << 16;
let highCounts: Uint32Array | undefined;
let lowCounts: Uint32Array | undefined;
const bitsOfOne = new Uint32Array(1);
const floatOfBits = new Float32Array(bitsOfOne.buffer);

/** Below this many elements the radix select runs directly (the bracket's sample would be most of it). */
const BRACKET_MIN_ELEMENTS = 1 << 16;
/** Sample size of the bracket. */
const SAMPLE = 1 << 14;
/** Half-width of the bracket in sample ranks: this many binomial standard deviations, plus a few ranks. */
const BRACKET_SIGMAS = 5;
const BRACKET_MIN_RANKS = 8;
let sampleScratch: Uint32Array | undefined;
let candidates: Uint32Array | undefined;

/**
 * The k-th largest |x| of a tensor (k ≥ 1), exactly. Large tensors: a seeded sample of 16,384
 * magnitudes brackets the answer (the ranks k/n·m ± 5σ of the sample), and one pass counts the
 * entries above the bracket and collects those inside it (≈ 2 % of the tensor); the answer is then
 * the (k − above)-th largest candidate. When the bracket misses (a rare, data-dependent event,
 * checked exactly) or for small tensors, a two-pass radix select on the float32 bit patterns
 * runs instead. Both are exact, so the result never depends on the path. `values` must hold no NaN.
 */
export function kthLargestAbs(values: Float32Array, k: number): number {
  const n = values.length;
  if (k < 1 || k > n) throw new RangeError(`kthLargestAbs: k=${k} outside [1, ${n}]`);
  const bits = new Uint32Array(values.buffer, values.byteOffset, n);
  if (n >= BRACKET_MIN_ELEMENTS) {
    const found = bracketedSelect(bits, k);
    if (found !== undefined) return found;
  }
  return radixSelect(bits, k);
}

/** The bracketed select (see {@link kthLargestAbs}); undefined when the bracket misses. */
function bracketedSelect(bits: Uint32Array, k: number): number | undefined {
  const n = bits.length;
  const sample = (sampleScratch ??= new Uint32Array(SAMPLE));
  let state = 0x9e3779b9 ^ n; // deterministic: the same tensor always takes the same path
  for (let j = 0; j < SAMPLE; j++) {
    state = (Math.imul(state, 1_664_525) + 1_013_904_223) >>> 0;
    sample[j] = bits[Math.floor((state / 2 ** 32) * n)] & 0x7fffffff;
  }
  sample.sort();
  const fromTop = (k / n) * SAMPLE; // expected rank of the answer in the sample, counted from the top
  const q = k / n;
  const margin = BRACKET_SIGMAS * Math.sqrt(SAMPLE * q * (1 - q)) + BRACKET_MIN_RANKS;
  const hiRank = Math.ceil(fromTop - margin);
  const loRank = Math.floor(fromTop + margin);
  const hi = hiRank <= 0 ? 0x7fffffff : sample[SAMPLE - hiRank];
  const lo = loRank >= SAMPLE ? 0 : sample[SAMPLE - 1 - loRank];
  const capacity = Math.ceil(((4 * margin) / SAMPLE) * n) + 1024;
  if (candidates === undefined || candidates.length < capacity + 1)
    candidates = new Uint32Array(capacity + 1);
  const cand = candidates;
  let above = 0;
  let count = 0;
  for (let i = 0; i < n; i++) {
    const v = bits[i] & 0x7fffffff;
    above += v > hi ? 1 : 0;
    cand[count] = v; // kept only when inside the bracket (count advances)
    count += v >= lo && v <= hi ? 1 : 0;
    if (count === capacity) return undefined;
  }
  if (above >= k || above + count < k) return undefined;
  const inside = new Float32Array(cand.buffer, 0, count);
  return kthLargestInPlace(inside, k - above);
}

/**
 * Two-pass radix select on the float32 bit patterns: for non-negative floats the pattern with the
 * sign bit cleared orders like the value. Pass 1 counts the high 15 bits and finds the bucket
 * holding the k-th largest; pass 2 counts the low 16 bits inside that bucket. Reads the input
 * twice, writes nothing and allocates no copy (the two histograms, 384 KiB, are reused).
 */
function radixSelect(bits: Uint32Array, k: number): number {
  const n = bits.length;
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
