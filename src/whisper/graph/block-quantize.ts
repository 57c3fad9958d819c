/**
 * Weight-only 8-bit block quantization in the layout of ONNX Runtime's `com.microsoft.MatMulNBits`
 * (contrib op, ORT ≥ 1.17): a weight W [N, K] — PyTorch's `nn.Linear.weight` layout [out, in], so
 * no transpose — is cut along K into blocks of `blockSize`; each block gets one float32 scale
 * s = max|w| / 127 and codes q = round(w / s) + 128 in uint8 (symmetric: the zero point is 128 and
 * is passed explicitly, so nothing depends on the op's default), and is read back as (q − 128)·s.
 * The largest error per weight is s/2 = max|w_block| / 254.
 */

/** MatMulNBits' `B`, `scales` and `zero_points` for one weight, with its attributes. */
export interface BlockQuantized8 {
  /** uint8 codes [N, kBlocks, blockSize] (K padded with zeros to a whole number of blocks). */
  readonly codes: Uint8Array;
  /** float32 [N, kBlocks]. */
  readonly scales: Float32Array;
  /** uint8 [N, kBlocks], all 128. */
  readonly zeroPoints: Uint8Array;
  readonly n: number;
  readonly k: number;
  readonly blockSize: number;
  readonly kBlocks: number;
}

/** The block size chorus quantizes with (MatMulNBits needs a power of two ≥ 16). */
export const INT8_BLOCK_SIZE = 32;
const ZERO_POINT = 128;

/**
 * Quantizes row-major `w` [n, k] (optionally times `scale`, which for a power of two is exact and
 * lands in the scales only) to 8-bit blocks.
 */
export function blockQuantize8(
  w: Float32Array,
  n: number,
  k: number,
  blockSize = INT8_BLOCK_SIZE,
  scale = 1,
): BlockQuantized8 {
  if (w.length !== n * k) throw new RangeError(`blockQuantize8: ${w.length} values is not ${n}×${k}`);
  if (blockSize < 16 || (blockSize & (blockSize - 1)) !== 0)
    throw new RangeError(`blockQuantize8: block size ${blockSize} is not a power of two ≥ 16`);
  const kBlocks = Math.ceil(k / blockSize);
  const codes = new Uint8Array(n * kBlocks * blockSize).fill(ZERO_POINT);
  const scales = new Float32Array(n * kBlocks);
  for (let row = 0; row < n; row++) {
    for (let blk = 0; blk < kBlocks; blk++) {
      const from = row * k + blk * blockSize;
      const to = row * k + Math.min(k, (blk + 1) * blockSize);
      let max = 0;
      for (let i = from; i < to; i++) max = Math.max(max, Math.abs(w[i]));
      const s = max / 127;
      scales[row * kBlocks + blk] = s * scale;
      if (s === 0) continue;
      const out = (row * kBlocks + blk) * blockSize - from;
      for (let i = from; i < to; i++) codes[out + i] = ZERO_POINT + Math.round(w[i] / s);
    }
  }
  return {
    codes,
    scales,
    zeroPoints: new Uint8Array(n * kBlocks).fill(ZERO_POINT),
    n,
    k,
    blockSize,
    kBlocks,
  };
}

/** (q − 128)·s back to float32 [n, k]: the weights the quantized graph computes with. */
export function blockDequantize8(q: BlockQuantized8): Float32Array {
  const out = new Float32Array(q.n * q.k);
  for (let row = 0; row < q.n; row++) {
    for (let col = 0; col < q.k; col++) {
      const blk = Math.floor(col / q.blockSize);
      const code = q.codes[(row * q.kBlocks + blk) * q.blockSize + (col % q.blockSize)];
      out[row * q.k + col] = (code - ZERO_POINT) * q.scales[row * q.kBlocks + blk];
    }
  }
  return out;
}
