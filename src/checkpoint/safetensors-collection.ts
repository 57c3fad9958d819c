import { readFile, stat } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { AppError } from '../shared/index.js';
import { DEFAULT_CHUNK_BYTES, SafetensorsFile } from './safetensors-file.js';
import type { RowRange } from './row-range.js';
import type { TensorInfo } from './safetensors-header.js';

/** The single-file weights name in a Hugging Face folder. */
export const SAFETENSORS_WEIGHTS_NAME = 'model.safetensors';
/** The shard index of a sharded Hugging Face checkpoint (`{metadata, weight_map: {tensor: file}}`). */
export const SAFETENSORS_INDEX_NAME = 'model.safetensors.index.json';

async function exists(path: string): Promise<boolean> {
  try {
    await stat(path);
    return true;
  } catch {
    return false;
  }
}

/**
 * The tensors of one or more safetensors files seen as one map: a single `model.safetensors`, or
 * the shards listed by `model.safetensors.index.json`. Reads stay lazy and per tensor.
 */
export class SafetensorsCollection implements AsyncDisposable {
  private constructor(
    /** What was opened (a file or the index), for messages. */
    readonly path: string,
    private readonly files: readonly SafetensorsFile[],
    private readonly owner: ReadonlyMap<string, SafetensorsFile>,
    /** Every tensor by name. */
    readonly tensors: ReadonlyMap<string, TensorInfo>,
  ) {}

  /**
   * Opens one safetensors file.
   * @throws AppError `MODEL_NOT_FOUND`, `CHECKPOINT_INVALID`.
   */
  static async openFile(path: string): Promise<SafetensorsCollection> {
    const file = await SafetensorsFile.open(path);
    const owner = new Map<string, SafetensorsFile>();
    for (const name of file.tensors.keys()) owner.set(name, file);
    return new SafetensorsCollection(path, [file], owner, file.tensors);
  }

  /**
   * Opens the weights of a Hugging Face folder: `model.safetensors.index.json` when present (its
   * shards must sit in the same folder), else `model.safetensors`.
   * @throws AppError `CHECKPOINT_INVALID` when neither exists, the index is malformed, names a
   * shard outside the folder, or names a tensor its shard lacks; `MODEL_NOT_FOUND` for a missing shard.
   */
  static async openFolder(dir: string): Promise<SafetensorsCollection> {
    const indexPath = join(dir, SAFETENSORS_INDEX_NAME);
    if (await exists(indexPath)) return SafetensorsCollection.openIndex(indexPath, dir);
    const single = join(dir, SAFETENSORS_WEIGHTS_NAME);
    if (await exists(single)) return SafetensorsCollection.openFile(single);
    throw new AppError(
      'CHECKPOINT_INVALID',
      `Cannot open weights in ${dir}: neither ${SAFETENSORS_WEIGHTS_NAME} nor ${SAFETENSORS_INDEX_NAME} exists (only safetensors weights are supported)`,
    );
  }

  private static async openIndex(indexPath: string, dir: string): Promise<SafetensorsCollection> {
    let index: unknown;
    try {
      index = JSON.parse(await readFile(indexPath, 'utf8'));
    } catch (e) {
      throw new AppError('CHECKPOINT_INVALID', `Cannot read shard index ${indexPath}: not readable JSON`, {
        cause: e,
      });
    }
    const weightMap = (index as { weight_map?: unknown } | null)?.weight_map;
    if (typeof weightMap !== 'object' || weightMap === null || Array.isArray(weightMap)) {
      throw new AppError('CHECKPOINT_INVALID', `Cannot read shard index ${indexPath}: weight_map is missing`);
    }
    const byShard = new Map<string, string[]>();
    for (const [tensor, shard] of Object.entries(weightMap as Record<string, unknown>)) {
      if (typeof shard !== 'string' || shard === '' || basename(shard) !== shard || shard.startsWith('.')) {
        throw new AppError(
          'CHECKPOINT_INVALID',
          `Cannot read shard index ${indexPath}: tensor "${tensor}" maps to ${JSON.stringify(shard)}, not a file in the folder`,
        );
      }
      const list = byShard.get(shard) ?? [];
      list.push(tensor);
      byShard.set(shard, list);
    }
    const files: SafetensorsFile[] = [];
    const owner = new Map<string, SafetensorsFile>();
    const tensors = new Map<string, TensorInfo>();
    try {
      for (const [shard, names] of [...byShard].sort((a, b) => (a[0] < b[0] ? -1 : 1))) {
        const file = await SafetensorsFile.open(join(dir, shard));
        files.push(file);
        for (const name of names) {
          const info = file.tensors.get(name);
          if (info === undefined) {
            throw new AppError(
              'CHECKPOINT_INVALID',
              `Cannot open ${indexPath}: tensor "${name}" is not in shard ${shard}`,
            );
          }
          owner.set(name, file);
          tensors.set(name, info);
        }
      }
    } catch (e) {
      await Promise.all(files.map((f) => f.close()));
      throw e;
    }
    return new SafetensorsCollection(indexPath, files, owner, tensors);
  }

  /** True when some file holds `name`. */
  has(name: string): boolean {
    return this.owner.has(name);
  }

  /**
   * The header entry of `name`.
   * @throws AppError `CHECKPOINT_INVALID` when no file holds it.
   */
  info(name: string): TensorInfo {
    return this.#file(name).info(name);
  }

  /** The file holding `name` (its path is in `file.path`). */
  fileOf(name: string): SafetensorsFile {
    return this.#file(name);
  }

  /** See {@link SafetensorsFile.readRaw}. */
  readRaw(name: string): Promise<Uint8Array> {
    return this.#file(name).readRaw(name);
  }

  /** See {@link SafetensorsFile.readF32}. */
  readF32(name: string, into?: Float32Array, rows?: RowRange): Promise<Float32Array> {
    return this.#file(name).readF32(name, into, rows);
  }

  /** See {@link SafetensorsFile.readRawChunks}. */
  readRawChunks(name: string, chunkBytes = DEFAULT_CHUNK_BYTES): AsyncGenerator<Uint8Array> {
    return this.#file(name).readRawChunks(name, chunkBytes);
  }

  /** Closes every file. Idempotent. */
  async close(): Promise<void> {
    await Promise.all(this.files.map((f) => f.close()));
  }

  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }

  #file(name: string): SafetensorsFile {
    const f = this.owner.get(name);
    if (f === undefined)
      throw new AppError('CHECKPOINT_INVALID', `Cannot find tensor "${name}" in ${this.path}`);
    return f;
  }
}
