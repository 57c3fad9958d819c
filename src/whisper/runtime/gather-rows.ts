/**
 * Row gathers on batch-major tensors ([rows, ...rest] row-major): beam-search KV-cache reordering
 * (openai/whisper decoding.py `rearrange_kv_cache`) and expansion of per-item encoder outputs to
 * `rowsPerItem` decoder rows.
 */

/** out row r = `data` row `source[r]`; a row is `rowLength` contiguous elements. */
export function gatherRows(data: Float32Array, rowLength: number, source: Int32Array): Float32Array {
  const out = new Float32Array(source.length * rowLength);
  for (let r = 0; r < source.length; r++) {
    const from = source[r] * rowLength;
    out.set(data.subarray(from, from + rowLength), r * rowLength);
  }
  return out;
}

/** Source indices that repeat each of `items` rows `rowsPerItem` times (item-major). */
export function repeatIndices(items: number, rowsPerItem: number): Int32Array {
  const source = new Int32Array(items * rowsPerItem);
  for (let r = 0; r < source.length; r++) source[r] = Math.floor(r / rowsPerItem);
  return source;
}

/** True when every new row r reads a row of the same batch item, so per-item data is unchanged. */
export function staysWithinItems(source: Int32Array, rowsPerItem: number): boolean {
  for (let r = 0; r < source.length; r++) {
    if (Math.floor(source[r] / rowsPerItem) !== Math.floor(r / rowsPerItem)) return false;
  }
  return true;
}
