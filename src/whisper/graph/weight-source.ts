/**
 * Where graph builders get checkpoint tensors from: a function from HF parameter name to float32
 * data (ref: /work/shared/reference/whisper.md §1.2). This narrow seam keeps the graph code
 * independent of the safetensors reader; `proj_out.weight` is tied to
 * `model.decoder.embed_tokens.weight` and is never requested.
 */
import { AppError, firstNonFiniteIndex } from '../../shared/index.js';

/** Returns the float32 data of one HF parameter (row-major, PyTorch shape). */
export type WeightSource = (name: string) => Float32Array | Promise<Float32Array>;

/**
 * Fetches `name`, checks its element count (unless `expectedLength` is -1) and that every value is finite.
 * @throws AppError CHECKPOINT_INVALID when the tensor is missing, has the wrong size, or holds NaN/Inf
 */
export async function readWeight(
  source: WeightSource,
  name: string,
  expectedLength: number,
): Promise<Float32Array> {
  let data: Float32Array;
  try {
    data = await source(name);
  } catch (e) {
    if (e instanceof AppError) throw e;
    throw new AppError('CHECKPOINT_INVALID', `Cannot read tensor ${name}: ${(e as Error).message}`, {
      cause: e,
    });
  }
  if (!(data instanceof Float32Array)) {
    throw new AppError('CHECKPOINT_INVALID', `Cannot read tensor ${name}: source returned no Float32Array`);
  }
  if (expectedLength >= 0 && data.length !== expectedLength) {
    throw new AppError(
      'CHECKPOINT_INVALID',
      `Cannot use tensor ${name}: it has ${data.length} elements, expected ${expectedLength}`,
    );
  }
  const bad = firstNonFiniteIndex(data);
  if (bad >= 0) {
    throw new AppError('CHECKPOINT_INVALID', `Cannot use tensor ${name}: element ${bad} is ${data[bad]}`);
  }
  return data;
}

/** Writes the transpose of row-major `w` [rows, cols] into `out` [cols, rows] at column offset
 *  `colOffset` of an `outCols`-wide matrix (used to pack q/k/v projections side by side). */
export function transposeInto(
  out: Float32Array,
  w: Float32Array,
  rows: number,
  cols: number,
  outCols = rows,
  colOffset = 0,
): Float32Array {
  for (let r = 0; r < rows; r++) {
    const src = r * cols;
    for (let c = 0; c < cols; c++) out[c * outCols + colOffset + r] = w[src + c];
  }
  return out;
}
