import {
  generalizedTaskArithmeticInto,
  type GeneralizedTaskArithmeticOptions,
} from './generalized-task-arithmetic.js';

// Work in slices of about 2^16 elements (whole rows): T sparsified slices instead of T sparsified
// tensors keep the scratch at T·256 KiB even for the 51 866 × 1280 embedding.
const CHUNK_ELEMENTS = 1 << 16;

/**
 * Sparsifies each task vector slice by slice and combines the slices (the mergekit pipeline
 * "sparsify, then generalized task arithmetic") without materialising T sparsified tensors.
 * `sparsifyInto(out, delta, t)` is called for the slices of task t in index order, so a sparsifier
 * drawing random numbers from a per-task stream gives the same result as on the whole tensor.
 * Slices hold whole rows of `rowLength` elements.
 */
export function sparsifyCombineInto(
  out: Float32Array,
  base: Float32Array,
  deltas: readonly Float32Array[],
  weights: Float64Array,
  rowLength: number,
  sparsifyInto: (out: Float32Array, delta: Float32Array, taskIndex: number) => void,
  options: GeneralizedTaskArithmeticOptions,
): Float32Array {
  const n = base.length;
  const step = Math.max(1, Math.floor(CHUNK_ELEMENTS / rowLength)) * rowLength;
  const scratch = deltas.map(() => new Float32Array(Math.min(step, n)));
  for (let start = 0; start < n; start += step) {
    const end = Math.min(n, start + step);
    const slices = scratch.map((s, t) => {
      const slice = s.subarray(0, end - start);
      sparsifyInto(slice, deltas[t].subarray(start, end), t);
      return slice;
    });
    generalizedTaskArithmeticInto(
      out.subarray(start, end),
      base.subarray(start, end),
      slices,
      weights,
      options,
    );
  }
  return out;
}
