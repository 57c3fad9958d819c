import { AppError } from '../shared/index.js';
import type { HfCheckpoint } from './hf-checkpoint.js';
import { lendableInto, type RowRange } from './row-range.js';
import type { TaskVectorSource } from './task-vector-source.js';

/** config.json fields two checkpoints must share for θ_t − θ_0 to mean anything (shapes alone miss head counts). */
const ARCHITECTURE_FIELDS = [
  'd_model',
  'encoder_layers',
  'decoder_layers',
  'encoder_attention_heads',
  'decoder_attention_heads',
  'encoder_ffn_dim',
  'decoder_ffn_dim',
  'vocab_size',
  'num_mel_bins',
  'max_source_positions',
  'max_target_positions',
] as const;

function sameShape(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((v, i) => v === b[i]);
}

/**
 * Throws unless `other` has the architecture of `base` (same config sizes, same tensor shapes).
 * @throws AppError `MERGE_SHAPE_MISMATCH` listing the differing fields.
 */
export function assertSameArchitecture(base: HfCheckpoint, other: HfCheckpoint): void {
  const a = (base.configJson ?? {}) as Record<string, unknown>;
  const b = (other.configJson ?? {}) as Record<string, unknown>;
  const diffs = ARCHITECTURE_FIELDS.filter((f) => a[f] !== b[f]).map(
    (f) => `${f} ${JSON.stringify(b[f])} vs base ${JSON.stringify(a[f])}`,
  );
  if (diffs.length > 0) {
    throw new AppError(
      'MERGE_SHAPE_MISMATCH',
      `Cannot use ${other.dir} as a task vector of ${base.dir}: ${diffs.join(', ')}`,
    );
  }
}

/**
 * The task vector of a full fine-tuned checkpoint: delta = θ_t − θ_0 for every tensor both hold
 * (including `proj_out.weight` through the tie when either side stores it explicitly).
 */
export class CheckpointTaskVector implements TaskVectorSource {
  readonly kind = 'checkpoint' as const;
  readonly #names: readonly string[];
  readonly #nameSet: ReadonlySet<string>;

  private constructor(
    readonly path: string,
    private readonly tuned: HfCheckpoint,
    private readonly base: HfCheckpoint,
    names: readonly string[],
  ) {
    this.#names = names;
    this.#nameSet = new Set(names);
  }

  /**
   * Pairs an opened fine-tuned checkpoint with the base. Takes ownership of `tuned` (closed by `close()`).
   * @throws AppError `MERGE_SHAPE_MISMATCH` (architecture or tensor shapes differ), `MERGE_INPUT_INVALID`
   * (a tensor the base does not have).
   */
  static create(tuned: HfCheckpoint, base: HfCheckpoint): CheckpointTaskVector {
    assertSameArchitecture(base, tuned);
    const universe = [...new Set([...base.tensorNames, ...tuned.tensorNames])].sort();
    const names: string[] = [];
    const problems: string[] = [];
    for (const name of universe) {
      if (!tuned.has(name)) continue;
      if (!base.has(name)) {
        throw new AppError(
          'MERGE_INPUT_INVALID',
          `Cannot use ${tuned.dir} as a task vector: tensor "${name}" is not in base ${base.dir}`,
        );
      }
      const ts = tuned.info(name).shape;
      const bs = base.info(name).shape;
      if (!sameShape(ts, bs)) problems.push(`${name} [${ts.join(', ')}] vs base [${bs.join(', ')}]`);
      names.push(name);
    }
    if (problems.length > 0) {
      throw new AppError(
        'MERGE_SHAPE_MISMATCH',
        `Cannot use ${tuned.dir} as a task vector: ${problems.join('; ')}`,
      );
    }
    return new CheckpointTaskVector(tuned.dir, tuned, base, names);
  }

  names(): readonly string[] {
    return this.#names;
  }

  has(name: string): boolean {
    return this.#nameSet.has(name);
  }

  shape(name: string): readonly number[] {
    this.#check(name);
    return this.base.info(name).shape;
  }

  async readDeltaF32(
    name: string,
    base?: Float32Array,
    into?: Float32Array,
    rows?: RowRange,
  ): Promise<Float32Array | null> {
    if (!this.#nameSet.has(name)) return null;
    const lent = lendableInto(into, this.tuned.info(name).shape, rows, `tensor "${name}" of ${this.path}`);
    const [delta, theta0] = await Promise.all([
      this.tuned.readF32(name, lent, rows),
      base === undefined ? this.base.readF32(name, undefined, rows) : Promise.resolve(base),
    ]);
    if (theta0.length !== delta.length) {
      throw new AppError(
        'MERGE_SHAPE_MISMATCH',
        `Cannot compute the delta of "${name}" for ${this.path}: base has ${theta0.length} values, fine-tune ${delta.length}`,
      );
    }
    let changed = false;
    for (let i = 0; i < delta.length; i++) {
      const d = delta[i] - theta0[i];
      delta[i] = d;
      if (d !== 0) changed = true;
    }
    // An exactly unchanged tensor (frozen during fine-tuning: e.g. encoder positions) costs nothing downstream.
    return changed ? delta : null;
  }

  digest(): Promise<string> {
    return this.tuned.digest();
  }

  close(): Promise<void> {
    return this.tuned.close();
  }

  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }

  #check(name: string): void {
    if (!this.#nameSet.has(name)) {
      throw new AppError(
        'MERGE_INPUT_INVALID',
        `Cannot get the delta shape of "${name}": ${this.path} does not change it`,
      );
    }
  }
}
