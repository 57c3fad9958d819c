/**
 * The element types a safetensors header may name, with their sizes. Only F32, F16 and BF16
 * convert to Float32Array; the others can be read raw.
 * ref: huggingface/safetensors safetensors/src/tensor.rs (enum Dtype, Dtype::size).
 */
export type SafetensorsDType =
  | 'BOOL'
  | 'U8'
  | 'I8'
  | 'F8_E5M2'
  | 'F8_E4M3'
  | 'I16'
  | 'U16'
  | 'F16'
  | 'BF16'
  | 'I32'
  | 'U32'
  | 'F32'
  | 'F64'
  | 'I64'
  | 'U64';

/** The float types chorus computes with (converted to float32 on read, from float32 on write). */
export type FloatDType = 'F32' | 'F16' | 'BF16';

const DTYPE_BYTES: Readonly<Record<SafetensorsDType, number>> = {
  BOOL: 1,
  U8: 1,
  I8: 1,
  F8_E5M2: 1,
  F8_E4M3: 1,
  I16: 2,
  U16: 2,
  F16: 2,
  BF16: 2,
  I32: 4,
  U32: 4,
  F32: 4,
  F64: 8,
  I64: 8,
  U64: 8,
};

/** True when `s` names a dtype this reader knows. */
export function isSafetensorsDType(s: unknown): s is SafetensorsDType {
  return typeof s === 'string' && Object.prototype.hasOwnProperty.call(DTYPE_BYTES, s);
}

/** True for the dtypes that convert to and from float32 (F32, F16, BF16). */
export function isFloatDType(dtype: SafetensorsDType): dtype is FloatDType {
  return dtype === 'F32' || dtype === 'F16' || dtype === 'BF16';
}

/** Bytes per element of `dtype`. */
export function dtypeByteSize(dtype: SafetensorsDType): number {
  return DTYPE_BYTES[dtype];
}
