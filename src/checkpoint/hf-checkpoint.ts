import { readFile, readdir, stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { AppError } from '../shared/index.js';
import { isFloatDType } from './safetensors-dtype.js';
import { SafetensorsCollection } from './safetensors-collection.js';
import type { RowRange } from './row-range.js';
import type { TensorInfo } from './safetensors-header.js';
import { combineDigests, digestTensor } from './tensor-digest.js';
import {
  EMBED_TOKENS_NAME,
  ENCODER_POSITIONS_NAME,
  expectedWhisperTensors,
  PROJ_OUT_NAME,
} from './whisper-tensor-layout.js';

/** Tokenizer files a Hugging Face Whisper folder may carry; ref: whisper.md §5.2. */
export const TOKENIZER_FILE_NAMES: readonly string[] = [
  'tokenizer.json',
  'tokenizer_config.json',
  'vocab.json',
  'merges.txt',
  'added_tokens.json',
  'special_tokens_map.json',
  'normalizer.json',
];

/** At most this many problems are spelled out in a validation error (the count is always given). */
const MAX_LISTED_PROBLEMS = 20;

/** Options of {@link HfCheckpoint.open}. */
export interface HfCheckpointOpenOptions {
  /** Check every tensor against the Whisper layout implied by config.json (default true). */
  readonly validate?: boolean;
}

async function readJsonFile(path: string, required: boolean, dir: string): Promise<unknown> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT' && !required) return undefined;
    throw new AppError(
      'CHECKPOINT_INVALID',
      `Cannot open checkpoint ${dir}: ${path} is missing or unreadable`,
      {
        cause: e,
      },
    );
  }
  try {
    return JSON.parse(text) as unknown;
  } catch (e) {
    throw new AppError('CHECKPOINT_INVALID', `Cannot open checkpoint ${dir}: ${path} is not valid JSON`, {
      cause: e,
    });
  }
}

function sameShape(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((v, i) => v === b[i]);
}

/**
 * A short-window model (max_source_positions < 1500) made by editing config.json keeps the
 * original 1500-row encoder position table; the graph uses its first rows, so more rows than the
 * config needs are accepted for that one tensor (fewer are not).
 */
function isLongerPositionTable(name: string, got: readonly number[], want: readonly number[]): boolean {
  return (
    name === ENCODER_POSITIONS_NAME &&
    got.length === 2 &&
    want.length === 2 &&
    got[1] === want[1] &&
    got[0] > want[0]
  );
}

/**
 * A Hugging Face Whisper checkpoint folder: `config.json` (required), `generation_config.json`,
 * `preprocessor_config.json`, tokenizer files and safetensors weights (single or sharded). JSON
 * files are exposed raw (the whisper layer parses them); tensors are read lazily, one at a time.
 *
 * `proj_out.weight` is tied to `model.decoder.embed_tokens.weight`: when the file lacks it,
 * reading it returns the embedding (`isProjOutTied`); `tensorNames` lists stored tensors only.
 */
export class HfCheckpoint implements AsyncDisposable {
  readonly #digests = new Map<string, Promise<string>>();
  #checkpointDigest: Promise<string> | undefined;

  private constructor(
    /** Absolute folder path. */
    readonly dir: string,
    /** Parsed `config.json`. */
    readonly configJson: unknown,
    /** Parsed `generation_config.json`, or undefined when absent. */
    readonly generationConfigJson: unknown,
    /** Parsed `preprocessor_config.json`, or undefined when absent. */
    readonly preprocessorJson: unknown,
    /** Which of {@link TOKENIZER_FILE_NAMES} are present (absolute paths via `join(dir, name)`). */
    readonly tokenizerFiles: readonly string[],
    private readonly weights: SafetensorsCollection,
    /** Stored tensor names, sorted. */
    readonly tensorNames: readonly string[],
  ) {}

  /**
   * Opens and (by default) validates a checkpoint folder. Reads only JSON files and safetensors headers.
   * @throws AppError `MODEL_NOT_FOUND` when `dir` does not exist or is not a folder;
   * `CHECKPOINT_INVALID` when config.json is missing or malformed, weights are missing, a
   * header is bad, or tensors do not match the config (every problem listed).
   */
  static async open(dir: string, options: HfCheckpointOpenOptions = {}): Promise<HfCheckpoint> {
    const abs = resolve(dir);
    try {
      if (!(await stat(abs)).isDirectory()) throw new Error('not a directory');
    } catch (e) {
      throw new AppError('MODEL_NOT_FOUND', `Cannot open checkpoint ${abs}: no such folder`, { cause: e });
    }
    const configJson = await readJsonFile(join(abs, 'config.json'), true, abs);
    const generationConfigJson = await readJsonFile(join(abs, 'generation_config.json'), false, abs);
    const preprocessorJson = await readJsonFile(join(abs, 'preprocessor_config.json'), false, abs);
    const present = new Set(await readdir(abs));
    const tokenizerFiles = TOKENIZER_FILE_NAMES.filter((n) => present.has(n));
    const weights = await SafetensorsCollection.openFolder(abs);
    const ckpt = new HfCheckpoint(
      abs,
      configJson,
      generationConfigJson,
      preprocessorJson,
      tokenizerFiles,
      weights,
      [...weights.tensors.keys()].sort(),
    );
    if (options.validate ?? true) {
      try {
        ckpt.#validate();
      } catch (e) {
        await weights.close();
        throw e;
      }
    }
    return ckpt;
  }

  /** True when `proj_out.weight` is not stored and reads fall back to the token embedding. */
  get isProjOutTied(): boolean {
    return !this.weights.has(PROJ_OUT_NAME);
  }

  /** True for stored tensors and for the tied `proj_out.weight` alias. */
  has(name: string): boolean {
    return this.weights.has(this.#resolve(name));
  }

  /**
   * Where `name` is stored (for the tied alias, the embedding's entry).
   * @throws AppError `CHECKPOINT_INVALID` for an unknown tensor.
   */
  info(name: string): TensorInfo {
    return this.weights.info(this.#resolve(name));
  }

  /**
   * Reads an F32/F16/BF16 tensor (or only some of its rows) as float32, into `into` when given
   * (see {@link SafetensorsFile.readF32}).
   * @throws AppError `CHECKPOINT_INVALID` (unknown tensor, non-float, truncated), `RESOURCE_CLOSED`.
   */
  readF32(name: string, into?: Float32Array, rows?: RowRange): Promise<Float32Array> {
    return this.weights.readF32(this.#resolve(name), into, rows);
  }

  /** Reads a tensor's stored bytes. @throws like {@link readF32}. */
  readRaw(name: string): Promise<Uint8Array> {
    return this.weights.readRaw(this.#resolve(name));
  }

  /**
   * sha256 of one tensor's dtype, shape and stored bytes, computed on first call and cached.
   * @throws AppError `CHECKPOINT_INVALID`, `RESOURCE_CLOSED`.
   */
  tensorDigest(name: string): Promise<string> {
    const key = this.#resolve(name);
    let p = this.#digests.get(key);
    if (p === undefined) {
      p = digestTensor(this.weights, key);
      p.catch(() => this.#digests.delete(key));
      this.#digests.set(key, p);
    }
    return p;
  }

  /**
   * Content digest of the checkpoint: sha256 over config.json (canonical JSON) and the sorted
   * (name, tensor digest) pairs of every stored tensor. Reads every tensor once (then cached).
   */
  digest(): Promise<string> {
    this.#checkpointDigest ??= (async () => {
      const digests = new Map<string, string>();
      for (const name of this.tensorNames) digests.set(name, await this.tensorDigest(name));
      return combineDigests('hf-checkpoint', this.configJson, digests);
    })();
    return this.#checkpointDigest;
  }

  /** Closes the weight files. Idempotent; reads afterwards throw `RESOURCE_CLOSED`. */
  close(): Promise<void> {
    return this.weights.close();
  }

  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }

  #resolve(name: string): string {
    return name === PROJ_OUT_NAME && !this.weights.has(PROJ_OUT_NAME) ? EMBED_TOKENS_NAME : name;
  }

  #validate(): void {
    const expected = expectedWhisperTensors(this.configJson, this.dir);
    const problems: string[] = [];
    for (const [name, shape] of expected) {
      const info = this.weights.tensors.get(name);
      if (info === undefined) problems.push(`missing ${name} [${shape.join(', ')}]`);
      else if (!sameShape(info.shape, shape) && !isLongerPositionTable(name, info.shape, shape)) {
        problems.push(`${name} has shape [${info.shape.join(', ')}], config implies [${shape.join(', ')}]`);
      } else if (!isFloatDType(info.dtype))
        problems.push(`${name} has dtype ${info.dtype}, not F32/F16/BF16`);
    }
    const projOut = this.weights.tensors.get(PROJ_OUT_NAME);
    const embed = expected.get(EMBED_TOKENS_NAME);
    if (projOut !== undefined && embed !== undefined && !sameShape(projOut.shape, embed)) {
      problems.push(
        `${PROJ_OUT_NAME} has shape [${projOut.shape.join(', ')}], config implies [${embed.join(', ')}]`,
      );
    }
    for (const name of this.tensorNames) {
      if (name.endsWith('.k_proj.bias')) problems.push(`${name} must not exist (Whisper k_proj has no bias)`);
    }
    if (problems.length > 0) {
      const listed = problems.slice(0, MAX_LISTED_PROBLEMS).join('; ');
      const more =
        problems.length > MAX_LISTED_PROBLEMS ? `; and ${problems.length - MAX_LISTED_PROBLEMS} more` : '';
      throw new AppError(
        'CHECKPOINT_INVALID',
        `Cannot use checkpoint ${this.dir}: ${problems.length} tensor problem(s) against config.json: ${listed}${more}`,
      );
    }
  }
}
