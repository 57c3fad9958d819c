import { readFile, stat } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { AppError } from '../shared/index.js';
import {
  DELTA_FILE_NAME,
  openTaskVectorSource,
  PROJ_OUT_NAME,
  SafetensorsFile,
  type RowRange,
  type HfCheckpoint,
  type TaskVectorSource,
} from '../checkpoint/index.js';

/** How an expert is stored. */
export type ExpertFormat = 'checkpoint' | 'delta' | 'lora';

/**
 * One expert seen as task vectors τ_t = θ_t − θ_0, tensor by tensor: a thin adapter over the
 * checkpoint layer's `TaskVectorSource` (full checkpoint folders, delta files, PEFT LoRA adapters)
 * adding the declared base digest of delta files.
 */
export interface ExpertSource {
  readonly path: string;
  readonly format: ExpertFormat;
  /** Tensors this expert may change (its τ is zero elsewhere). Never the tied `proj_out.weight`. */
  readonly tensorNames: readonly string[];
  shapeOf(name: string): readonly number[];
  /**
   * τ for `name`, as a float32 array the caller owns (zeros when the source leaves it unchanged):
   * `into` (the element count read) when given and usable by the source, else a new array. With
   * `rows`, only those rows (`base` holds the same rows of θ_0). Without `base` (a source that
   * needs θ_0 reads it), `into` must be given.
   * @throws AppError `INTERNAL` when neither `base` nor `into` is given; the source's errors.
   */
  readDelta(
    name: string,
    base: Float32Array | undefined,
    into?: Float32Array,
    rows?: RowRange,
  ): Promise<Float32Array>;
  /** Content digest of the expert. */
  digest(): Promise<string>;
  /** Content digest (checkpoint layer) of the base this expert was trained from, when declared (`base_digest`). */
  readonly declaredBaseDigest: string | undefined;
  /** sha256 of the base's model.safetensors file, when declared (expert.json `base.sha256`, as models/train writes it). */
  readonly declaredBaseFileSha256: string | undefined;
  close(): Promise<void>;
}

/** Metadata keys (safetensors `__metadata__` or expert.json) that may carry the base digest. */
const BASE_DIGEST_KEYS = ['base_digest', 'chorus.base_digest', 'base_model_digest'];

async function isFile(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isFile();
  } catch {
    return false;
  }
}

async function readJsonIfPresent(path: string): Promise<Record<string, unknown> | undefined> {
  try {
    const value = JSON.parse(await readFile(path, 'utf8')) as unknown;
    return typeof value === 'object' && value !== null ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

function pickDigest(record: Readonly<Record<string, unknown>> | undefined): string | undefined {
  if (record === undefined) return undefined;
  for (const key of BASE_DIGEST_KEYS) {
    const v = record[key];
    if (typeof v === 'string' && v.length > 0) return v;
  }
  return undefined;
}

/** Where a delta's safetensors file and its expert.json sidecar are. */
async function deltaFileOf(source: TaskVectorSource): Promise<string> {
  return (await isFile(source.path)) ? source.path : join(source.path, DELTA_FILE_NAME);
}

/** `base.sha256` of the expert.json beside a delta file. */
async function declaredBaseFileSha256Of(source: TaskVectorSource): Promise<string | undefined> {
  if (source.kind !== 'delta') return undefined;
  const sidecar = await readJsonIfPresent(join(dirname(await deltaFileOf(source)), 'expert.json'));
  const base = sidecar?.base;
  if (typeof base !== 'object' || base === null) return undefined;
  const sha = (base as Record<string, unknown>).sha256;
  return typeof sha === 'string' && /^[0-9a-f]{64}$/.test(sha) ? sha : undefined;
}

/** The base digest a delta declares in its safetensors metadata or an `expert.json` beside it. */
async function declaredBaseDigestOf(source: TaskVectorSource): Promise<string | undefined> {
  if (source.kind !== 'delta') return undefined;
  const file = await deltaFileOf(source);
  let fromMetadata: string | undefined;
  try {
    const st = await SafetensorsFile.open(file);
    fromMetadata = pickDigest(st.metadata);
    await st.close();
  } catch {
    fromMetadata = undefined; // the source opened it already; an unreadable header cannot happen here
  }
  return fromMetadata ?? pickDigest(await readJsonIfPresent(join(dirname(file), 'expert.json')));
}

class TaskVectorExpert implements ExpertSource {
  readonly tensorNames: readonly string[];
  constructor(
    private readonly source: TaskVectorSource,
    readonly declaredBaseDigest: string | undefined,
    readonly declaredBaseFileSha256: string | undefined,
  ) {
    // The tied projection is merged once, as the embedding.
    this.tensorNames = source.names().filter((n) => n !== PROJ_OUT_NAME);
  }
  get path(): string {
    return this.source.path;
  }
  get format(): ExpertFormat {
    return this.source.kind;
  }
  shapeOf(name: string): readonly number[] {
    return this.source.shape(name);
  }
  async readDelta(
    name: string,
    base: Float32Array | undefined,
    into?: Float32Array,
    rows?: RowRange,
  ): Promise<Float32Array> {
    const delta = await this.source.readDeltaF32(name, base, into, rows);
    if (delta !== null) return delta;
    const length = base?.length ?? into?.length;
    if (length === undefined)
      throw new AppError('INTERNAL', `Cannot size the zero delta of "${name}": neither base nor into given`);
    return into !== undefined && into.length === length ? into.fill(0) : new Float32Array(length);
  }
  digest(): Promise<string> {
    return this.source.digest();
  }
  close(): Promise<void> {
    return this.source.close();
  }
}

/**
 * Opens an expert against its base: a checkpoint folder, a delta `.safetensors` file (or a folder
 * holding `delta.safetensors`, optionally with an `expert.json` declaring `base_digest`), or a PEFT
 * LoRA adapter folder.
 * @throws AppError `MODEL_NOT_FOUND`, `CHECKPOINT_INVALID`, `MERGE_INPUT_INVALID`, `MERGE_SHAPE_MISMATCH`
 * (from the checkpoint layer's checks against the base).
 */
export async function openExpertSource(path: string, base: HfCheckpoint): Promise<ExpertSource> {
  const source = await openTaskVectorSource(path, base);
  try {
    return new TaskVectorExpert(
      source,
      await declaredBaseDigestOf(source),
      await declaredBaseFileSha256Of(source),
    );
  } catch (e) {
    await source.close();
    throw e;
  }
}
