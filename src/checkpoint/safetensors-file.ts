import { AppError, bfloat16ToFloat32Into } from '../shared/index.js';
import { float16ToFloat32TableInto } from './float16-table.js';
import { openFileByteSource, type ByteSource } from './byte-source.js';
import { isFloatDType } from './safetensors-dtype.js';
import {
  parseHeaderLength,
  parseSafetensorsHeader,
  SAFETENSORS_PREFIX_BYTES,
  type TensorInfo,
} from './safetensors-header.js';
import { elementsOfRows, type RowRange } from './row-range.js';

/** Typed-array views below reinterpret file bytes in place, which is only right on a little-endian host. */
const IS_LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/** Chunk size for streaming a tensor's bytes (hashing) without holding it whole. */
export const DEFAULT_CHUNK_BYTES = 16 * 1024 * 1024;

/**
 * One safetensors file, opened lazily: `open` reads and validates only the header; each
 * `readRaw`/`readF32` reads only that tensor's bytes, at its offset, through a FileHandle.
 * Owns the file handle until `close()`.
 */
export class SafetensorsFile implements AsyncDisposable {
  #closed = false;

  private constructor(
    /** The file path (or source name), used in error messages. */
    readonly path: string,
    private readonly source: ByteSource,
    /** Every tensor in the file, by name, in data order. */
    readonly tensors: ReadonlyMap<string, TensorInfo>,
    /** The header's `__metadata__` string map (empty when absent). */
    readonly metadata: Readonly<Record<string, string>>,
  ) {}

  /**
   * Opens `path` and validates its header (not the data).
   * @throws AppError `MODEL_NOT_FOUND` (no such file), `CHECKPOINT_INVALID` (bad header, naming the
   * file and tensor).
   */
  static async open(path: string): Promise<SafetensorsFile> {
    return SafetensorsFile.fromSource(await openFileByteSource(path), path);
  }

  /**
   * Opens a safetensors container over any ByteSource (the file is closed on failure).
   * @throws AppError `CHECKPOINT_INVALID` on a bad header.
   */
  static async fromSource(source: ByteSource, name: string): Promise<SafetensorsFile> {
    try {
      if (!IS_LITTLE_ENDIAN) {
        throw new AppError('RUNTIME_UNAVAILABLE', `Cannot read ${name}: big-endian hosts are not supported`);
      }
      const prefix = new Uint8Array(SAFETENSORS_PREFIX_BYTES);
      const got = await source.read(prefix, 0);
      const headerBytes = parseHeaderLength(prefix.subarray(0, got), source.sizeBytes, name);
      const header = new Uint8Array(headerBytes);
      if ((await source.read(header, SAFETENSORS_PREFIX_BYTES)) !== headerBytes) {
        throw new AppError('CHECKPOINT_INVALID', `Cannot read safetensors file ${name}: header is truncated`);
      }
      const parsed = parseSafetensorsHeader(header, source.sizeBytes, name);
      return new SafetensorsFile(name, source, parsed.tensors, parsed.metadata);
    } catch (e) {
      await source.close();
      throw e;
    }
  }

  /** True when the file holds tensor `name`. */
  has(name: string): boolean {
    return this.tensors.has(name);
  }

  /**
   * The header entry of `name`.
   * @throws AppError `CHECKPOINT_INVALID` when the file has no such tensor.
   */
  info(name: string): TensorInfo {
    const info = this.tensors.get(name);
    if (info === undefined) {
      throw new AppError('CHECKPOINT_INVALID', `Cannot find tensor "${name}" in ${this.path}`);
    }
    return info;
  }

  /**
   * Reads the tensor's bytes as stored (any dtype) into a fresh, 8-byte-aligned buffer.
   * @throws AppError `CHECKPOINT_INVALID` (unknown tensor, file shorter than its header says),
   * `RESOURCE_CLOSED`.
   */
  async readRaw(name: string): Promise<Uint8Array> {
    this.#checkOpen();
    const info = this.info(name);
    const out = new Uint8Array(new ArrayBuffer(info.byteLength));
    await this.#readInto(out, info, 0);
    return out;
  }

  /**
   * Yields the tensor's stored bytes in chunks of at most `chunkBytes` (for hashing or copying
   * tensors larger than one wants to hold). The yielded buffer is reused between chunks.
   * @throws AppError `CHECKPOINT_INVALID`, `RESOURCE_CLOSED`.
   */
  async *readRawChunks(name: string, chunkBytes = DEFAULT_CHUNK_BYTES): AsyncGenerator<Uint8Array> {
    this.#checkOpen();
    const info = this.info(name);
    const buf = new Uint8Array(Math.max(1, Math.min(chunkBytes, info.byteLength)));
    for (let at = 0; at < info.byteLength; at += buf.byteLength) {
      const part = buf.subarray(0, Math.min(buf.byteLength, info.byteLength - at));
      await this.#readInto(part, info, at);
      yield part;
    }
  }

  /**
   * Reads an F32, F16 or BF16 tensor as float32 (row-major, `info(name).shape`), into `into` when
   * given (exactly the element count read; it is returned), else into a fresh array. Reading
   * into a reused array saves the page faults of fresh memory, which cost more than the read.
   * With `rows`, only those rows (slices along the first dimension; a 0-d or 1-d tensor's rows are
   * its elements) are read, so a large tensor can be processed in blocks.
   * @throws AppError `CHECKPOINT_INVALID` (unknown tensor, non-float dtype, truncated file),
   * `RESOURCE_CLOSED`; `INTERNAL` when `into` has the wrong length or `rows` is out of range.
   */
  async readF32(name: string, into?: Float32Array, rows?: RowRange): Promise<Float32Array> {
    const info = this.info(name);
    if (!isFloatDType(info.dtype)) {
      throw new AppError(
        'CHECKPOINT_INVALID',
        `Cannot read tensor "${name}" of ${this.path} as float32: dtype ${info.dtype} is not F32, F16 or BF16`,
      );
    }
    const { start, count } = elementsOfRows(info.shape, rows, `tensor "${name}" of ${this.path}`);
    if (into !== undefined && into.length !== count) {
      throw new AppError(
        'INTERNAL',
        `Cannot read tensor "${name}" of ${this.path}: ${count} values into an array of ${into.length}`,
      );
    }
    this.#checkOpen();
    const out = into ?? new Float32Array(count);
    if (info.dtype === 'F32') {
      await this.#readInto(new Uint8Array(out.buffer, out.byteOffset, 4 * count), info, 4 * start);
      return out;
    }
    // Half precision: read the 2n raw bytes into the upper half of the 4n-byte output and decode
    // forward in place. Element i is read (bytes 2n+2i…) before out[i] (bytes 4i…4i+3) is written,
    // and every later raw element lies above 4i+3, so nothing is overwritten before it is read.
    // One allocation instead of two: peak memory is the float32 result only.
    const upper = out.byteOffset + 2 * count;
    await this.#readInto(new Uint8Array(out.buffer, upper, 2 * count), info, 2 * start);
    const bits = new Uint16Array(out.buffer, upper, count);
    return info.dtype === 'F16' ? float16ToFloat32TableInto(out, bits) : bfloat16ToFloat32Into(out, bits);
  }

  /** Closes the file. Idempotent; reads after close throw `RESOURCE_CLOSED`. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await this.source.close();
  }

  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }

  async #readInto(out: Uint8Array, info: TensorInfo, skipBytes: number): Promise<void> {
    const got = await this.source.read(out, info.fileOffsetBytes + skipBytes);
    if (got !== out.byteLength) {
      throw new AppError(
        'CHECKPOINT_INVALID',
        `Cannot read tensor "${info.name}" of ${this.path}: file ends ${out.byteLength - got} bytes early`,
      );
    }
  }

  #checkOpen(): void {
    if (this.#closed) throw new AppError('RESOURCE_CLOSED', `Cannot read ${this.path}: file is closed`);
  }
}
