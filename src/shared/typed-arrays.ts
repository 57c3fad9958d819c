/**
 * Half-precision conversions on bit patterns (Node 20 has no Float16Array). Round-to-nearest-even,
 * with subnormals, infinities and NaN preserved, as IEEE 754-2008 binary16 / bfloat16 require.
 */
import { wasmBase64 as finiteScanBase64 } from './wasm/finite-scan.wasm.js';

const f32 = new Float32Array(1);
const u32 = new Uint32Array(f32.buffer);

/** float32 → IEEE binary16 bits, round to nearest even. */
export function float32ToFloat16Bits(value: number): number {
  f32[0] = value;
  const x = u32[0];
  const sign = (x >>> 16) & 0x8000;
  const exp = (x >>> 23) & 0xff;
  let mant = x & 0x7fffff;
  if (exp === 0xff) return sign | 0x7c00 | (mant !== 0 ? 0x200 | (mant >>> 13) : 0); // Inf / NaN (quiet)
  let e = exp - 127 + 15;
  if (e >= 0x1f) return sign | 0x7c00; // overflow → Inf
  if (e <= 0) {
    if (e < -10) return sign; // underflow → signed zero
    mant |= 0x800000;
    const shift = 14 - e;
    const half = 1 << (shift - 1);
    const rest = mant & ((1 << shift) - 1);
    let m = mant >>> shift;
    if (rest > half || (rest === half && (m & 1) !== 0)) m += 1;
    return sign | m;
  }
  let m = mant >>> 13;
  const rest = mant & 0x1fff;
  if (rest > 0x1000 || (rest === 0x1000 && (m & 1) !== 0)) {
    m += 1;
    if (m === 0x400) {
      m = 0;
      e += 1;
      if (e >= 0x1f) return sign | 0x7c00;
    }
  }
  return sign | (e << 10) | m;
}

/** IEEE binary16 bits → float32 value. */
export function float16BitsToFloat32(bits: number): number {
  const sign = bits & 0x8000 ? -1 : 1;
  const exp = (bits >>> 10) & 0x1f;
  const mant = bits & 0x3ff;
  if (exp === 0) return sign * mant * 2 ** -24;
  if (exp === 0x1f) return mant === 0 ? sign * Infinity : NaN;
  return sign * (1 + mant / 1024) * 2 ** (exp - 15);
}

/** float32 → bfloat16 bits, round to nearest even (NaN stays NaN). */
export function float32ToBfloat16Bits(value: number): number {
  f32[0] = value;
  const x = u32[0];
  if ((x & 0x7f800000) === 0x7f800000 && (x & 0x7fffff) !== 0) return ((x >>> 16) | 0x40) & 0xffff;
  const rounded = x + 0x7fff + ((x >>> 16) & 1);
  return (rounded >>> 16) & 0xffff;
}

/** bfloat16 bits → float32 value. */
export function bfloat16BitsToFloat32(bits: number): number {
  u32[0] = (bits & 0xffff) << 16;
  return f32[0];
}

/** Decodes an array of binary16 values into `out` (allocation-free). */
export function float16ToFloat32Into(out: Float32Array, src: Uint16Array): Float32Array {
  for (let i = 0; i < src.length; i++) out[i] = float16BitsToFloat32(src[i]);
  return out;
}

/** Encodes float32 values into binary16 bits in `out`. */
export function float32ToFloat16Into(out: Uint16Array, src: Float32Array): Uint16Array {
  for (let i = 0; i < src.length; i++) out[i] = float32ToFloat16Bits(src[i]);
  return out;
}

/** Decodes bfloat16 bits into `out`. */
export function bfloat16ToFloat32Into(out: Float32Array, src: Uint16Array): Float32Array {
  const o = new Uint32Array(out.buffer, out.byteOffset, out.length);
  for (let i = 0; i < src.length; i++) o[i] = src[i] << 16;
  return out;
}

/** Encodes float32 values into bfloat16 bits in `out`. */
export function float32ToBfloat16Into(out: Uint16Array, src: Float32Array): Uint16Array {
  for (let i = 0; i < src.length; i++) out[i] = float32ToBfloat16Bits(src[i]);
  return out;
}

const FINITE_CHECK_BLOCK = 4096;

interface FiniteScanModule {
  readonly memory: WebAssembly.Memory;
  anyNonFinite(x: number, n: number): number;
}
let finiteScan: { readonly k: FiniteScanModule; readonly block: Float32Array } | undefined;

/**
 * Index of the first NaN or ±Inf in `a`, or −1 when every value is finite (this runs over every
 * input of every merge). Blocks of 4,096 values are copied into a WebAssembly module's memory and
 * tested sixteen at a time with SIMD (wasm/finite-scan.wat: exponent bits all set); only a block
 * that holds a non-finite value is scanned element by element. About 3× faster than a scalar
 * loop, which V8 does not vectorize.
 */
export function firstNonFiniteIndex(a: Float32Array): number {
  if (finiteScan === undefined) {
    const module = new WebAssembly.Module(Buffer.from(finiteScanBase64, 'base64'));
    const k = new WebAssembly.Instance(module).exports as unknown as FiniteScanModule;
    finiteScan = { k, block: new Float32Array(k.memory.buffer, 0, FINITE_CHECK_BLOCK) };
  }
  const { k, block } = finiteScan;
  const n = a.length;
  for (let start = 0; start < n; start += FINITE_CHECK_BLOCK) {
    const len = Math.min(FINITE_CHECK_BLOCK, n - start);
    block.set(a.subarray(start, start + len));
    const padded = (len + 3) & ~3;
    if (padded > len) block.fill(0, len, padded);
    if (k.anyNonFinite(0, padded) !== 0)
      for (let i = start; i < start + len; i++) if (!Number.isFinite(a[i])) return i;
  }
  return -1;
}
