import { float16BitsToFloat32 } from '../shared/index.js';

/**
 * Every binary16 bit pattern decoded once (256 KiB), built at import from the shared scalar
 * decoder. Reading an F16 tensor is then one table lookup per weight: ~30× the scalar decoder's
 * throughput (10^7 elements, alternating runs; bench/results/safetensors.json), which matters
 * for 1.5 G-weight large-v3 files. Immutable after construction.
 */
const FLOAT16_TO_FLOAT32: Float32Array = (() => {
  const t = new Float32Array(1 << 16);
  for (let bits = 0; bits < t.length; bits++) t[bits] = float16BitsToFloat32(bits);
  return t;
})();

/** Decodes binary16 bits into `out` by table lookup (same results as the shared scalar decoder). */
export function float16ToFloat32TableInto(out: Float32Array, src: Uint16Array): Float32Array {
  const table = FLOAT16_TO_FLOAT32;
  for (let i = 0; i < src.length; i++) out[i] = table[src[i]];
  return out;
}
