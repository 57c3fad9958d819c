import { AppError } from '../shared/index.js';
import { dtypeByteSize, isSafetensorsDType, type SafetensorsDType } from './safetensors-dtype.js';

/**
 * Header parsing and validation for the safetensors container: an 8-byte little-endian u64 header
 * length N, N bytes of UTF-8 JSON `{name: {dtype, shape, data_offsets: [begin, end]}, __metadata__?}`,
 * then the data, with offsets relative to the first byte after the header.
 * ref: huggingface/safetensors safetensors/src/tensor.rs (Metadata::validate, MAX_HEADER_SIZE).
 */

/** Bytes of the little-endian u64 that starts every file. */
export const SAFETENSORS_PREFIX_BYTES = 8;
/** The reference implementation refuses headers above 100 MB (MAX_HEADER_SIZE); so do we. */
export const SAFETENSORS_MAX_HEADER_BYTES = 100_000_000;
/** The key of the optional string→string metadata map in the header. */
export const SAFETENSORS_METADATA_KEY = '__metadata__';

/** Where one tensor lives in a safetensors file. */
export interface TensorInfo {
  readonly name: string;
  readonly dtype: SafetensorsDType;
  readonly shape: readonly number[];
  /** Element count (product of shape; 1 for a scalar). */
  readonly elementCount: number;
  /** Byte length of the data. */
  readonly byteLength: number;
  /** Absolute byte offset of the data in the file. */
  readonly fileOffsetBytes: number;
}

/** A validated header. */
export interface SafetensorsHeader {
  readonly tensors: ReadonlyMap<string, TensorInfo>;
  readonly metadata: Readonly<Record<string, string>>;
  /** Absolute offset of the first data byte (8 + N). */
  readonly dataStartBytes: number;
}

function invalid(file: string, what: string): AppError {
  return new AppError('CHECKPOINT_INVALID', `Cannot read safetensors file ${file}: ${what}`);
}

/**
 * Reads the header length from the first 8 bytes and checks that the header fits in the file.
 * @throws AppError `CHECKPOINT_INVALID` when the file is too short or the length is not sane.
 */
export function parseHeaderLength(prefix: Uint8Array, fileSizeBytes: number, file: string): number {
  if (prefix.byteLength < SAFETENSORS_PREFIX_BYTES || fileSizeBytes < SAFETENSORS_PREFIX_BYTES) {
    throw invalid(file, `file is ${fileSizeBytes} bytes, shorter than the 8-byte header length`);
  }
  const view = new DataView(prefix.buffer, prefix.byteOffset, SAFETENSORS_PREFIX_BYTES);
  const n = view.getBigUint64(0, true);
  if (n < 2n || n > BigInt(SAFETENSORS_MAX_HEADER_BYTES)) {
    throw invalid(file, `header length ${n} is outside [2, ${SAFETENSORS_MAX_HEADER_BYTES}]`);
  }
  const headerBytes = Number(n);
  if (SAFETENSORS_PREFIX_BYTES + headerBytes > fileSizeBytes) {
    throw invalid(file, `header length ${headerBytes} runs past the end of the ${fileSizeBytes}-byte file`);
  }
  return headerBytes;
}

function isNonNegativeSafeInt(v: unknown): v is number {
  return typeof v === 'number' && Number.isSafeInteger(v) && v >= 0;
}

/**
 * Parses and validates the JSON header. The data section must be exactly covered by the tensors,
 * in offset order, without overlap or gap, as the reference implementation requires.
 * @param headerBytes the N header bytes (without the 8-byte prefix).
 * @param fileSizeBytes total file size, to check that the data section ends at end of file.
 * @throws AppError `CHECKPOINT_INVALID` naming the file and, where one is at fault, the tensor.
 */
export function parseSafetensorsHeader(
  headerBytes: Uint8Array,
  fileSizeBytes: number,
  file: string,
): SafetensorsHeader {
  let json: unknown;
  try {
    json = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(headerBytes));
  } catch (e) {
    throw new AppError(
      'CHECKPOINT_INVALID',
      `Cannot read safetensors file ${file}: header is not UTF-8 JSON`,
      {
        cause: e,
      },
    );
  }
  if (typeof json !== 'object' || json === null || Array.isArray(json)) {
    throw invalid(file, 'header is not a JSON object');
  }
  const dataStartBytes = SAFETENSORS_PREFIX_BYTES + headerBytes.byteLength;
  const dataBytes = fileSizeBytes - dataStartBytes;
  let metadata: Record<string, string> = {};
  const entries: {
    name: string;
    dtype: SafetensorsDType;
    shape: number[];
    elementCount: number;
    begin: number;
    end: number;
  }[] = [];
  for (const [name, value] of Object.entries(json as Record<string, unknown>)) {
    if (name === SAFETENSORS_METADATA_KEY) {
      if (typeof value !== 'object' || value === null || Array.isArray(value)) {
        throw invalid(file, '__metadata__ is not an object');
      }
      const pairs = Object.entries(value as Record<string, unknown>);
      for (const [k, v] of pairs) {
        if (typeof v !== 'string') throw invalid(file, `__metadata__ value of "${k}" is not a string`);
      }
      // fromEntries defines own properties, so a "__proto__" key cannot touch the prototype
      metadata = Object.fromEntries(pairs) as Record<string, string>;
      continue;
    }
    if (typeof value !== 'object' || value === null)
      throw invalid(file, `tensor "${name}" entry is not an object`);
    const { dtype, shape, data_offsets: offsets } = value as Record<string, unknown>;
    if (!isSafetensorsDType(dtype))
      throw invalid(file, `tensor "${name}" has unknown dtype ${JSON.stringify(dtype)}`);
    if (!Array.isArray(shape) || !shape.every(isNonNegativeSafeInt)) {
      throw invalid(file, `tensor "${name}" has a malformed shape ${JSON.stringify(shape)}`);
    }
    if (!Array.isArray(offsets) || offsets.length !== 2 || !offsets.every(isNonNegativeSafeInt)) {
      throw invalid(file, `tensor "${name}" has malformed data_offsets ${JSON.stringify(offsets)}`);
    }
    const [begin, end] = offsets as [number, number];
    if (end < begin)
      throw invalid(file, `tensor "${name}" has data_offsets end ${end} before begin ${begin}`);
    if (end > dataBytes) {
      throw invalid(
        file,
        `tensor "${name}" data_offsets end ${end} is past the ${dataBytes}-byte data section`,
      );
    }
    let elementCount = 1;
    for (const d of shape as number[]) elementCount *= d;
    const expected = elementCount * dtypeByteSize(dtype);
    if (!Number.isSafeInteger(expected) || expected !== end - begin) {
      throw invalid(
        file,
        `tensor "${name}" shape [${(shape as number[]).join(', ')}] × ${dtype} needs ${expected} bytes, data_offsets give ${end - begin}`,
      );
    }
    entries.push({ name, dtype, shape: shape as number[], elementCount, begin, end });
  }
  entries.sort((a, b) => a.begin - b.begin || a.end - b.end);
  let cursor = 0;
  const tensors = new Map<string, TensorInfo>();
  for (const e of entries) {
    if (e.begin < cursor)
      throw invalid(file, `tensor "${e.name}" overlaps the previous tensor at byte ${e.begin}`);
    if (e.begin > cursor) throw invalid(file, `gap of ${e.begin - cursor} bytes before tensor "${e.name}"`);
    cursor = e.end;
    tensors.set(e.name, {
      name: e.name,
      dtype: e.dtype,
      shape: Object.freeze(e.shape.slice()),
      elementCount: e.elementCount,
      byteLength: e.end - e.begin,
      fileOffsetBytes: dataStartBytes + e.begin,
    });
  }
  if (cursor !== dataBytes) {
    throw invalid(file, `tensors cover ${cursor} of ${dataBytes} data bytes (truncated or trailing data)`);
  }
  return { tensors, metadata: Object.freeze(metadata), dataStartBytes };
}
