// A row is sorted through packed float64 keys: |x| as float32 bits (monotone for non-negative
// floats, < 2^31) times 2^21 plus the index (< 2^21), which stays below 2^52 and is exact in a
// double, so one native Float64Array sort replaces a comparator-driven index sort.
/** Index scale of the packed (|x| bits, index) keys; rows up to this length use them. */
export const MAGNITUDE_KEY_INDEX_SCALE = 2 ** 21;
const INDEX_BITS_SCALE = MAGNITUDE_KEY_INDEX_SCALE;

/**
 * Writes into `order` the indices of `row` sorted by ascending |x| (ties by index). `scratch` must
 * hold at least row.length doubles. Rows longer than 2^21 use a comparator sort.
 */
export function argsortByMagnitudeInto(
  order: Uint32Array,
  row: Float32Array,
  scratch: Float64Array,
): Uint32Array {
  const n = row.length;
  if (n <= INDEX_BITS_SCALE) {
    const bits = new Uint32Array(row.buffer, row.byteOffset, n);
    const keys = scratch.subarray(0, n);
    for (let i = 0; i < n; i++) keys[i] = (bits[i] & 0x7fffffff) * INDEX_BITS_SCALE + i;
    keys.sort();
    for (let i = 0; i < n; i++) order[i] = keys[i] % INDEX_BITS_SCALE;
    return order;
  }
  for (let i = 0; i < n; i++) order[i] = i;
  order.sort((a, b) => Math.abs(row[a]) - Math.abs(row[b]) || a - b);
  return order;
}
