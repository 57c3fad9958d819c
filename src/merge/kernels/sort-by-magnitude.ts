/** Index scale of packed (|x| bits, index) float64 keys: |x| as float32 bits (monotone for
 *  non-negative floats, < 2^31) × 2^21 + the index (< 2^21) stays below 2^52, exact in a double,
 *  and orders entries by (|x|, index). Rows up to this length can use such keys. */
export const MAGNITUDE_KEY_INDEX_SCALE = 2 ** 21;

/** Scratch words {@link argsortByMagnitudeInto} needs for a row of `n` entries. */
export function argsortScratchLength(n: number): number {
  return 3 * n;
}

/**
 * Writes into `order` the indices of `row` sorted by ascending |x| (ties by index): a stable
 * least-significant-digit radix sort of |x|'s float32 bits (monotone for non-negative floats),
 * four passes of 8 bits, a pass skipped when every key has the same digit there. `scratch` must
 * hold {@link argsortScratchLength}(row.length) words.
 */
export function argsortByMagnitudeInto(
  order: Uint32Array,
  row: Float32Array,
  scratch: Uint32Array,
): Uint32Array {
  const n = row.length;
  const bits = new Uint32Array(row.buffer, row.byteOffset, n);
  let keys = scratch.subarray(0, n);
  let nextKeys = scratch.subarray(n, 2 * n);
  let idx = order.subarray(0, n);
  let nextIdx = scratch.subarray(2 * n, 3 * n);
  for (let i = 0; i < n; i++) {
    keys[i] = bits[i] & 0x7fffffff;
    idx[i] = i;
  }
  let isInScratch = false; // idx holds the order in the scratch words, not in `order`
  const counts = new Uint32Array(256);
  for (let shift = 0; shift < 32; shift += 8) {
    counts.fill(0);
    for (let i = 0; i < n; i++) counts[(keys[i] >>> shift) & 0xff]++;
    if (counts[(keys[0] >>> shift) & 0xff] === n) continue; // one digit value: the pass keeps the order
    let sum = 0;
    for (let d = 0; d < 256; d++) {
      const c = counts[d];
      counts[d] = sum;
      sum += c;
    }
    for (let i = 0; i < n; i++) {
      const at = counts[(keys[i] >>> shift) & 0xff]++;
      nextKeys[at] = keys[i];
      nextIdx[at] = idx[i];
    }
    [keys, nextKeys] = [nextKeys, keys];
    [idx, nextIdx] = [nextIdx, idx];
    isInScratch = !isInScratch;
  }
  if (isInScratch) order.set(idx);
  return order;
}
