import { open, type FileHandle } from 'node:fs/promises';
import { AppError } from '../shared/index.js';

/**
 * Positional reads from a file (or anything file-like). SafetensorsFile reads through this so
 * that tests can count the bytes it touches and so that one tensor never needs the whole file.
 */
export interface ByteSource {
  /** Total size in bytes. */
  readonly sizeBytes: number;
  /**
   * Reads up to `out.byteLength` bytes starting at `positionBytes` into `out`; returns the bytes
   * read (fewer only at end of file).
   */
  read(out: Uint8Array, positionBytes: number): Promise<number>;
  close(): Promise<void>;
}

/** Node caps one read at 2 GiB − 1 (kIoMaxLength); stay well below it. */
const MAX_READ_CHUNK_BYTES = 1 << 30;
/** Reads of at least two of these are split into chunks read concurrently. */
const PARALLEL_READ_CHUNK_BYTES = 16 << 20;

/** A ByteSource over an `fs.promises` FileHandle (pread at the given position). */
class FileByteSource implements ByteSource {
  constructor(
    private readonly handle: FileHandle,
    readonly sizeBytes: number,
  ) {}

  async read(out: Uint8Array, positionBytes: number): Promise<number> {
    if (out.byteLength < 2 * PARALLEL_READ_CHUNK_BYTES) return this.#readRange(out, positionBytes);
    // Large tensors: chunks read side by side on libuv's thread pool (one pread copies from the
    // page cache on one core; the merge engine reads 5+ such tensors per step).
    const chunks: { view: Uint8Array; start: number }[] = [];
    for (let start = 0; start < out.byteLength; start += PARALLEL_READ_CHUNK_BYTES)
      chunks.push({ view: out.subarray(start, start + PARALLEL_READ_CHUNK_BYTES), start });
    const counts = await Promise.all(chunks.map((c) => this.#readRange(c.view, positionBytes + c.start)));
    // Bytes before the first short chunk (end of file): what a sequential read would report.
    let done = 0;
    for (let i = 0; i < chunks.length; i++) {
      done += counts[i];
      if (counts[i] < chunks[i].view.byteLength) break;
    }
    return done;
  }

  async #readRange(out: Uint8Array, positionBytes: number): Promise<number> {
    let done = 0;
    while (done < out.byteLength) {
      const length = Math.min(out.byteLength - done, MAX_READ_CHUNK_BYTES);
      const { bytesRead } = await this.handle.read(out, done, length, positionBytes + done);
      if (bytesRead === 0) break;
      done += bytesRead;
    }
    return done;
  }

  close(): Promise<void> {
    return this.handle.close();
  }
}

/**
 * Opens `path` for positional reads.
 * @throws AppError `MODEL_NOT_FOUND` when the file does not exist, `CHECKPOINT_INVALID` when it
 * is not a readable regular file.
 */
export async function openFileByteSource(path: string): Promise<ByteSource> {
  let handle: FileHandle;
  try {
    handle = await open(path, 'r');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT')
      throw new AppError('MODEL_NOT_FOUND', `Cannot open ${path}: no such file`, { cause: e });
    throw new AppError('CHECKPOINT_INVALID', `Cannot open ${path}: ${code ?? 'read error'}`, { cause: e });
  }
  try {
    const st = await handle.stat();
    if (!st.isFile()) throw new AppError('CHECKPOINT_INVALID', `Cannot open ${path}: not a regular file`);
    return new FileByteSource(handle, st.size);
  } catch (e) {
    await handle.close();
    throw e;
  }
}
