import { randomBytes } from 'node:crypto';
import { open, rename, unlink, type FileHandle } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { AppError, float32ToBfloat16Into } from '../shared/index.js';
import { float32ToFloat16FastInto } from './float16-encode.js';
import { dtypeByteSize, isFloatDType, type SafetensorsDType } from './safetensors-dtype.js';
import {
  SAFETENSORS_MAX_HEADER_BYTES,
  SAFETENSORS_METADATA_KEY,
  SAFETENSORS_PREFIX_BYTES,
} from './safetensors-header.js';

/** One tensor to write: its name, the dtype stored on disk and its shape. */
export interface TensorSpec {
  readonly name: string;
  readonly dtype: SafetensorsDType;
  readonly shape: readonly number[];
}

/**
 * Supplies the data of `specs[index]` when the writer reaches it. A Float32Array (allowed for
 * F32, F16, BF16) is converted to the spec's dtype with round-to-nearest-even; a Uint8Array is
 * written as is and must hold exactly the stored bytes.
 */
export type TensorProvider = (
  spec: TensorSpec,
  index: number,
) => Promise<Float32Array | Uint8Array> | Float32Array | Uint8Array;

/** Header entries are padded with spaces to this alignment, as the Python writer does, so data starts 8-aligned. */
const HEADER_ALIGN_BYTES = 8;
/** Conversion to half precision happens in slices of this many elements to bound the scratch buffer. */
const CONVERT_CHUNK_ELEMENTS = 1 << 20;

function elementCountOf(shape: readonly number[]): number {
  let n = 1;
  for (const d of shape) n *= d;
  return n;
}

/** Builds the padded header bytes (without the 8-byte prefix) and the data size. */
function buildHeader(
  specs: readonly TensorSpec[],
  metadata: Readonly<Record<string, string>> | undefined,
  path: string,
): { header: Uint8Array; dataBytes: number } {
  // Entries, then fromEntries: own data properties, so a tensor named "__proto__" stays a tensor.
  const entries: [string, unknown][] = [];
  if (metadata !== undefined && Object.keys(metadata).length > 0)
    entries.push([SAFETENSORS_METADATA_KEY, { ...metadata }]);
  const seen = new Set<string>();
  let offset = 0;
  for (const spec of specs) {
    if (spec.name === SAFETENSORS_METADATA_KEY || seen.has(spec.name)) {
      throw new AppError(
        'INTERNAL',
        `Cannot write ${path}: tensor name "${spec.name}" is reserved or repeated`,
      );
    }
    if (!spec.shape.every((d) => Number.isSafeInteger(d) && d >= 0)) {
      throw new AppError('INTERNAL', `Cannot write ${path}: tensor "${spec.name}" has a bad shape`);
    }
    const bytes = elementCountOf(spec.shape) * dtypeByteSize(spec.dtype);
    seen.add(spec.name);
    entries.push([
      spec.name,
      { dtype: spec.dtype, shape: [...spec.shape], data_offsets: [offset, offset + bytes] },
    ]);
    offset += bytes;
  }
  const text = JSON.stringify(Object.fromEntries(entries));
  const raw = new TextEncoder().encode(text);
  const padded = Math.ceil(raw.byteLength / HEADER_ALIGN_BYTES) * HEADER_ALIGN_BYTES;
  if (padded > SAFETENSORS_MAX_HEADER_BYTES) {
    throw new AppError('INTERNAL', `Cannot write ${path}: header of ${padded} bytes is too large`);
  }
  const header = new Uint8Array(padded).fill(0x20);
  header.set(raw);
  return { header, dataBytes: offset };
}

/**
 * Streams a safetensors file to `path`: the header first (from `specs`), then each tensor in
 * order, fetched from `provider` only when its turn comes, so at most one tensor is in memory.
 * Writes to a temporary file in the same directory, fsyncs, then renames: readers see the old
 * file or the complete new one, never a partial one.
 * @throws AppError `INTERNAL` when a spec is malformed or the provider returns data of the wrong
 * size or type (a programming error), with the file system error as `cause` when writing fails.
 */
export async function writeSafetensors(
  path: string,
  specs: readonly TensorSpec[],
  provider: TensorProvider,
  metadata?: Readonly<Record<string, string>>,
): Promise<void> {
  const { header } = buildHeader(specs, metadata, path);
  const tmp = join(dirname(path), `.${basename(path)}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`);
  const fh = await open(tmp, 'wx');
  let ok = false;
  try {
    const prefix = new Uint8Array(SAFETENSORS_PREFIX_BYTES);
    new DataView(prefix.buffer).setBigUint64(0, BigInt(header.byteLength), true);
    await writeAll(fh, prefix);
    await writeAll(fh, header);
    let scratch: Uint16Array | undefined;
    for (let i = 0; i < specs.length; i++) {
      const spec = specs[i];
      const n = elementCountOf(spec.shape);
      const data = await provider(spec, i);
      if (data instanceof Float32Array) {
        if (!isFloatDType(spec.dtype) || data.length !== n) {
          throw new AppError(
            'INTERNAL',
            `Cannot write tensor "${spec.name}" to ${path}: got ${data.length} float32 values for ${spec.dtype} [${spec.shape.join(', ')}]`,
          );
        }
        if (spec.dtype === 'F32') {
          await writeAll(fh, new Uint8Array(data.buffer, data.byteOffset, data.byteLength));
          continue;
        }
        const want = Math.min(CONVERT_CHUNK_ELEMENTS, Math.max(n, 1));
        if (scratch === undefined || scratch.length < want) scratch = new Uint16Array(want);
        for (let at = 0; at < n; at += want) {
          const src = data.subarray(at, Math.min(n, at + want));
          const bits = scratch.subarray(0, src.length);
          if (spec.dtype === 'F16') float32ToFloat16FastInto(bits, src);
          else float32ToBfloat16Into(bits, src);
          await writeAll(fh, new Uint8Array(bits.buffer, bits.byteOffset, bits.byteLength));
        }
      } else if (data instanceof Uint8Array) {
        if (data.byteLength !== n * dtypeByteSize(spec.dtype)) {
          throw new AppError(
            'INTERNAL',
            `Cannot write tensor "${spec.name}" to ${path}: got ${data.byteLength} bytes for ${spec.dtype} [${spec.shape.join(', ')}]`,
          );
        }
        await writeAll(fh, data);
      } else {
        throw new AppError(
          'INTERNAL',
          `Cannot write tensor "${spec.name}" to ${path}: provider returned no data`,
        );
      }
    }
    await fh.sync();
    ok = true;
  } finally {
    await fh.close();
    if (!ok) await unlink(tmp).catch(() => undefined);
  }
  try {
    await rename(tmp, path);
  } catch (e) {
    await unlink(tmp).catch(() => undefined);
    throw e;
  }
}

async function writeAll(fh: FileHandle, bytes: Uint8Array): Promise<void> {
  let done = 0;
  while (done < bytes.byteLength) {
    const { bytesWritten } = await fh.write(bytes, done, bytes.byteLength - done);
    done += bytesWritten;
  }
}
