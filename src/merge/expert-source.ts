import { readFile, stat } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import {
  combineDigests,
  digestTensor,
  EMBED_TOKENS_NAME,
  HfCheckpoint,
  isFloatDType,
  PROJ_OUT_NAME,
  SafetensorsFile,
  type SafetensorsDType,
} from '../checkpoint/index.js';
import { AppError } from '../shared/index.js';

/** How an expert is stored. */
export type ExpertFormat = 'checkpoint' | 'delta' | 'lora';

/**
 * One expert seen as task vectors τ_t = θ_t − θ_0, tensor by tensor (a thin adapter over the
 * checkpoint layer: full checkpoint folders, delta safetensors files).
 */
export interface ExpertSource {
  readonly path: string;
  readonly format: ExpertFormat;
  /** Tensors this expert provides (its τ is zero elsewhere). Never includes the tied `proj_out.weight`. */
  readonly tensorNames: readonly string[];
  shapeOf(name: string): readonly number[];
  dtypeOf(name: string): SafetensorsDType;
  /** τ for `name`, as a new float32 buffer the caller owns; `base` is θ_0 of that tensor. */
  readDelta(name: string, base: Float32Array): Promise<Float32Array>;
  /** Content digest of the expert's files. */
  digest(): Promise<string>;
  /** Digest of the base this expert was trained from, when its files declare it (delta metadata or expert.json). */
  readonly declaredBaseDigest: string | undefined;
  /** config.json of a full checkpoint (architecture comparison), else undefined. */
  readonly configJson: unknown;
  close(): Promise<void>;
}

/** Metadata keys (safetensors `__metadata__` or expert.json) that may carry the base digest. */
const BASE_DIGEST_KEYS = ['base_digest', 'chorus.base_digest', 'base_model_digest'];
/** A delta file's name inside an expert folder. */
const DELTA_FILE_NAME = 'delta.safetensors';

async function kindOf(path: string): Promise<'dir' | 'file' | undefined> {
  try {
    const s = await stat(path);
    return s.isDirectory() ? 'dir' : 'file';
  } catch {
    return undefined;
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

class CheckpointExpert implements ExpertSource {
  readonly format = 'checkpoint';
  readonly declaredBaseDigest = undefined;
  readonly tensorNames: readonly string[];
  constructor(
    readonly path: string,
    private readonly ckpt: HfCheckpoint,
  ) {
    this.tensorNames = ckpt.tensorNames.filter((n) => n !== PROJ_OUT_NAME);
  }
  get configJson(): unknown {
    return this.ckpt.configJson;
  }
  shapeOf(name: string): readonly number[] {
    return this.ckpt.info(name).shape;
  }
  dtypeOf(name: string): SafetensorsDType {
    return this.ckpt.info(name).dtype;
  }
  async readDelta(name: string, base: Float32Array): Promise<Float32Array> {
    const tuned = await this.ckpt.readF32(name);
    for (let i = 0; i < tuned.length; i++) tuned[i] -= base[i];
    return tuned;
  }
  digest(): Promise<string> {
    return this.ckpt.digest();
  }
  close(): Promise<void> {
    return this.ckpt.close();
  }
}

class DeltaFileExpert implements ExpertSource {
  readonly format = 'delta';
  readonly configJson = undefined;
  readonly tensorNames: readonly string[];
  #digest: Promise<string> | undefined;
  constructor(
    readonly path: string,
    private readonly file: SafetensorsFile,
    readonly declaredBaseDigest: string | undefined,
  ) {
    // A delta of the tied projection is the embedding's delta; merge it once, under the embedding's name.
    this.tensorNames = [...file.tensors.keys()]
      .filter((n) => n !== PROJ_OUT_NAME || !file.has(EMBED_TOKENS_NAME))
      .sort();
  }
  #resolve(name: string): string {
    return name === EMBED_TOKENS_NAME && !this.file.has(name) && this.file.has(PROJ_OUT_NAME)
      ? PROJ_OUT_NAME
      : name;
  }
  shapeOf(name: string): readonly number[] {
    return this.file.info(this.#resolve(name)).shape;
  }
  dtypeOf(name: string): SafetensorsDType {
    return this.file.info(this.#resolve(name)).dtype;
  }
  readDelta(name: string): Promise<Float32Array> {
    return this.file.readF32(this.#resolve(name));
  }
  digest(): Promise<string> {
    this.#digest ??= (async () => {
      const digests = new Map<string, string>();
      for (const name of this.file.tensors.keys()) digests.set(name, await digestTensor(this.file, name));
      return combineDigests('delta', this.file.metadata, digests);
    })();
    return this.#digest;
  }
  close(): Promise<void> {
    return this.file.close();
  }
}

/**
 * Opens an expert: a checkpoint folder (has config.json), a delta safetensors file, or a folder
 * holding `delta.safetensors` (with an optional `expert.json` declaring `base_digest`).
 * @throws AppError `MODEL_NOT_FOUND` when nothing is there, `MERGE_INPUT_INVALID` for an
 * unrecognised layout or non-float tensors, `CHECKPOINT_INVALID` for a malformed file.
 */
export async function openExpertSource(path: string): Promise<ExpertSource> {
  const kind = await kindOf(path);
  if (kind === undefined)
    throw new AppError('MODEL_NOT_FOUND', `Cannot open expert ${path}: no such file or folder`);
  let expert: ExpertSource;
  if (kind === 'dir' && (await kindOf(join(path, 'config.json'))) === 'file') {
    expert = new CheckpointExpert(path, await HfCheckpoint.open(path));
  } else {
    const file = kind === 'file' ? path : join(path, DELTA_FILE_NAME);
    if ((await kindOf(file)) !== 'file') {
      const lora = (await kindOf(join(path, 'adapter_config.json'))) === 'file';
      throw new AppError(
        'MERGE_INPUT_INVALID',
        lora
          ? `Cannot open expert ${path}: LoRA adapters need the checkpoint layer's task-vector source`
          : `Cannot open expert ${path}: expected a checkpoint folder (config.json), a delta .safetensors file or a folder with ${DELTA_FILE_NAME}`,
      );
    }
    const st = await SafetensorsFile.open(file);
    const sidecar = await readJsonIfPresent(join(dirname(file), 'expert.json'));
    expert = new DeltaFileExpert(path, st, pickDigest(st.metadata) ?? pickDigest(sidecar));
  }
  for (const name of expert.tensorNames) {
    const dtype = expert.dtypeOf(name);
    if (!isFloatDType(dtype)) {
      await expert.close();
      throw new AppError(
        'MERGE_INPUT_INVALID',
        `Cannot merge expert ${path}: tensor ${name} has dtype ${dtype}, not F32/F16/BF16`,
      );
    }
  }
  return expert;
}
