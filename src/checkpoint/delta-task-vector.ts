import { AppError } from '../shared/index.js';
import type { HfCheckpoint } from './hf-checkpoint.js';
import { isFloatDType, type FloatDType } from './safetensors-dtype.js';
import { SafetensorsFile } from './safetensors-file.js';
import { lendableInto, type RowRange } from './row-range.js';
import type { TaskVectorSource } from './task-vector-source.js';
import { combineDigests, digestTensor } from './tensor-digest.js';
import { writeSafetensors, type TensorSpec } from './write-safetensors.js';

/** `__metadata__` key and value that mark a file written by {@link writeDeltaFile}. */
export const DELTA_KIND_METADATA_KEY = 'chorus.kind';
export const DELTA_KIND_METADATA_VALUE = 'task-vector-delta';

/** One tensor of a delta file: base parameter name, shape, and its values on demand. */
export interface DeltaEntry {
  readonly name: string;
  readonly shape: readonly number[];
  /** Called once, when the writer reaches this tensor (so only one delta is in memory). */
  read(): Promise<Float32Array> | Float32Array;
}

/**
 * Writes a delta file (safetensors of θ_t − θ_0 for the given tensors) streaming, atomically.
 * `metadata` is stored beside the kind marker (e.g. the base digest, for provenance).
 * @throws AppError `INTERNAL` when an entry's data does not match its shape.
 */
export async function writeDeltaFile(
  path: string,
  entries: readonly DeltaEntry[],
  dtype: FloatDType,
  metadata: Readonly<Record<string, string>> = {},
): Promise<void> {
  const specs: TensorSpec[] = entries.map((e) => ({ name: e.name, dtype, shape: e.shape }));
  await writeSafetensors(path, specs, (_spec, i) => entries[i].read(), {
    ...metadata,
    [DELTA_KIND_METADATA_KEY]: DELTA_KIND_METADATA_VALUE,
  });
}

function sameShape(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((v, i) => v === b[i]);
}

/** A task vector stored as a delta safetensors file (possibly a subset of tensors, F32/F16/BF16). */
export class DeltaTaskVector implements TaskVectorSource {
  readonly kind = 'delta' as const;
  readonly #names: readonly string[];
  #digest: Promise<string> | undefined;

  private constructor(
    readonly path: string,
    private readonly file: SafetensorsFile,
  ) {
    this.#names = [...file.tensors.keys()].sort();
  }

  /**
   * Opens a delta file and checks it against the base.
   * @throws AppError `MODEL_NOT_FOUND`, `CHECKPOINT_INVALID` (bad file, non-float tensor),
   * `MERGE_INPUT_INVALID` (tensor not in base), `MERGE_SHAPE_MISMATCH` (shape differs from base).
   */
  static async open(path: string, base: HfCheckpoint): Promise<DeltaTaskVector> {
    const file = await SafetensorsFile.open(path);
    try {
      const shapeProblems: string[] = [];
      for (const info of file.tensors.values()) {
        if (!isFloatDType(info.dtype)) {
          throw new AppError(
            'CHECKPOINT_INVALID',
            `Cannot use delta ${path}: tensor "${info.name}" is ${info.dtype}, not a float type`,
          );
        }
        if (!base.has(info.name)) {
          throw new AppError(
            'MERGE_INPUT_INVALID',
            `Cannot use delta ${path}: tensor "${info.name}" is not in base ${base.dir}`,
          );
        }
        const bs = base.info(info.name).shape;
        if (!sameShape(info.shape, bs)) {
          shapeProblems.push(`${info.name} [${info.shape.join(', ')}] vs base [${bs.join(', ')}]`);
        }
      }
      if (shapeProblems.length > 0) {
        throw new AppError('MERGE_SHAPE_MISMATCH', `Cannot use delta ${path}: ${shapeProblems.join('; ')}`);
      }
    } catch (e) {
      await file.close();
      throw e;
    }
    return new DeltaTaskVector(path, file);
  }

  /** The file's `__metadata__` (e.g. a declared base digest written by {@link writeDeltaFile}'s caller). */
  get metadata(): Readonly<Record<string, string>> {
    return this.file.metadata;
  }

  names(): readonly string[] {
    return this.#names;
  }

  has(name: string): boolean {
    return this.file.has(name);
  }

  shape(name: string): readonly number[] {
    if (!this.file.has(name)) {
      throw new AppError(
        'MERGE_INPUT_INVALID',
        `Cannot get the delta shape of "${name}": ${this.path} does not change it`,
      );
    }
    return this.file.info(name).shape;
  }

  async readDeltaF32(
    name: string,
    base?: Float32Array,
    into?: Float32Array,
    rows?: RowRange,
  ): Promise<Float32Array | null> {
    if (!this.file.has(name)) return null;
    const lent = lendableInto(into, this.file.info(name).shape, rows, `tensor "${name}" of ${this.path}`);
    const delta = await this.file.readF32(name, lent, rows);
    if (base !== undefined && base.length !== delta.length) {
      throw new AppError(
        'MERGE_SHAPE_MISMATCH',
        `Cannot use the delta of "${name}" from ${this.path}: base has ${base.length} values, delta ${delta.length}`,
      );
    }
    return delta;
  }

  /** sha256 over the tensors' digests (metadata such as provenance notes does not count; computed once). */
  digest(): Promise<string> {
    this.#digest ??= (async () => {
      const digests = new Map<string, string>();
      for (const name of this.#names) digests.set(name, await digestTensor(this.file, name));
      return combineDigests('delta', null, digests);
    })();
    return this.#digest;
  }

  close(): Promise<void> {
    return this.file.close();
  }

  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }
}
