import { access, readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { HfCheckpoint } from '../checkpoint/index.js';
import { AppError } from '../shared/index.js';
import { parseWhisperConfig } from './parse-whisper-config.js';
import { loadWhisperModel } from './runtime/chorus-whisper-model.js';
import { loadOptimumModel } from './runtime/optimum-whisper-model.js';
import type { WeightType } from './graph/graph-context.js';
import type { RuntimeLogger, WhisperDevice } from './runtime/create-ort-session.js';
import { loadHfTokenizer } from './tokenizer/load-whisper-tokenizer.js';
import type { WhisperTokenizer } from './tokenizer/whisper-tokenizer.js';
import type { WhisperConfig } from './whisper-config.js';
import type {
  DecoderState,
  DecoderStepOptions,
  DecoderStepResult,
  EncodedAudio,
  WhisperModel,
} from './whisper-model.js';

/** Options of {@link openWhisperModel}. */
export interface OpenWhisperModelOptions {
  /** Execution provider; default CPU. */
  readonly device?: WhisperDevice;
  /** ONNX Runtime intra-op threads; default ORT's choice. */
  readonly intraOpThreads?: number;
  /** How the graphs store weights (checkpoint folders only): float32 (CPU default), float16
   *  (CUDA default) or int8 (the decoder's matrices in 8-bit blocks, see WhisperGraphOptions). */
  readonly weightType?: WeightType;
  readonly logger?: RuntimeLogger;
}

/** A ready model with its tokenizer and parsed config. */
export interface OpenedWhisperModel {
  readonly model: WhisperModel;
  readonly tokenizer: WhisperTokenizer;
  readonly config: WhisperConfig;
}

/**
 * Opens a Hugging Face Whisper checkpoint folder: validates it, parses the configs, loads the
 * tokenizer files, builds the ONNX graphs and sessions. The checkpoint stays open while the model
 * lives (the runtime builds the alignment-head decoder lazily from it); closing the returned
 * model closes both. A folder without safetensors weights but with an optimum/transformers.js
 * export (`onnx/encoder_model.onnx` + `onnx/decoder_model_merged.onnx`) runs those graphs instead.
 * @throws AppError MODEL_NOT_FOUND (no folder), CHECKPOINT_INVALID (configs, weights),
 *   TOKENIZER_INVALID (missing or corrupt tokenizer files), RUNTIME_UNAVAILABLE (device).
 */
export async function openWhisperModel(
  dir: string,
  options: OpenWhisperModelOptions = {},
): Promise<OpenedWhisperModel> {
  if (await isOptimumExport(dir)) return openOptimumFolder(dir, options);
  const checkpoint = await HfCheckpoint.open(dir);
  let opened = false;
  try {
    const config = parseWhisperConfig(
      checkpoint.configJson,
      checkpoint.generationConfigJson,
      checkpoint.preprocessorJson,
    );
    // The tokenizer is cheap and a common failure: check it before building graphs.
    const tokenizer = await loadHfTokenizer(checkpoint.dir, config.vocabSize);
    await assertProjOutTied(checkpoint);
    const model = await loadWhisperModel({
      config,
      weights: (name) => checkpoint.readF32(name),
      ...(options.device === undefined ? {} : { device: options.device }),
      ...(options.intraOpThreads === undefined ? {} : { intraOpThreads: options.intraOpThreads }),
      ...(options.weightType === undefined ? {} : { weightType: options.weightType }),
      ...(options.logger === undefined ? {} : { logger: options.logger }),
    });
    opened = true;
    return { model: new CheckpointOwningModel(model, checkpoint), tokenizer, config };
  } finally {
    if (!opened) await checkpoint.close();
  }
}

/**
 * The graphs compute logits with the token embedding (Whisper ties `proj_out` to it). A checkpoint
 * that stores its own, different `proj_out.weight` would silently decode with the wrong output
 * layer, so it is refused; a stored copy equal to the embedding is accepted.
 */
async function assertProjOutTied(checkpoint: HfCheckpoint): Promise<void> {
  if (checkpoint.isProjOutTied) return;
  const [proj, embed] = await Promise.all([
    checkpoint.readF32('proj_out.weight'),
    checkpoint.readF32('model.decoder.embed_tokens.weight'),
  ]);
  const same = proj.length === embed.length && proj.every((v, i) => Object.is(v, embed[i]));
  if (!same) {
    throw new AppError(
      'CHECKPOINT_INVALID',
      `Cannot load ${checkpoint.dir}: proj_out.weight differs from model.decoder.embed_tokens.weight (an untied output projection is not supported)`,
    );
  }
}

async function isOptimumExport(dir: string): Promise<boolean> {
  let names: string[];
  try {
    names = await readdir(dir);
  } catch {
    return false; // HfCheckpoint.open reports the missing folder
  }
  if (names.some((n) => n.endsWith('.safetensors') || n.endsWith('.safetensors.index.json'))) return false;
  try {
    await access(join(dir, 'onnx', 'decoder_model_merged.onnx'));
    return true;
  } catch {
    return false;
  }
}

async function readJson(path: string, required: boolean): Promise<unknown> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (e) {
    if (!required && (e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new AppError('CHECKPOINT_INVALID', `Cannot read ${path}: ${(e as Error).message}`, { cause: e });
  }
  try {
    return JSON.parse(text) as unknown;
  } catch (e) {
    throw new AppError('CHECKPOINT_INVALID', `Cannot parse ${path}: invalid JSON`, { cause: e });
  }
}

async function openOptimumFolder(dir: string, options: OpenWhisperModelOptions): Promise<OpenedWhisperModel> {
  if (options.weightType !== undefined) {
    throw new AppError(
      'REQUEST_INVALID',
      `Cannot store weights as ${options.weightType} for ${dir}: an optimum export runs its own ONNX graphs (weight types apply to checkpoint folders)`,
    );
  }
  const config = parseWhisperConfig(
    await readJson(join(dir, 'config.json'), true),
    await readJson(join(dir, 'generation_config.json'), false),
    await readJson(join(dir, 'preprocessor_config.json'), false),
  );
  const tokenizer = await loadHfTokenizer(dir, config.vocabSize);
  const model = await loadOptimumModel(dir, config, {
    ...(options.device === undefined ? {} : { device: options.device }),
    ...(options.intraOpThreads === undefined ? {} : { intraOpThreads: options.intraOpThreads }),
    ...(options.logger === undefined ? {} : { logger: options.logger }),
  });
  return { model, tokenizer, config };
}

/** Delegates to the runtime model and closes the checkpoint after it. */
class CheckpointOwningModel implements WhisperModel {
  #closed: Promise<void> | undefined;
  constructor(
    private readonly inner: WhisperModel,
    private readonly checkpoint: HfCheckpoint,
  ) {}
  get config(): WhisperConfig {
    return this.inner.config;
  }
  get device(): string {
    return this.inner.device;
  }
  encode(mel: Float32Array, batchSize: number): Promise<EncodedAudio> {
    return this.inner.encode(mel, batchSize);
  }
  startDecoder(audio: EncodedAudio, rowsPerItem: number): DecoderState {
    return this.inner.startDecoder(audio, rowsPerItem);
  }
  step(
    state: DecoderState,
    tokens: Int32Array,
    seqLen: number,
    options?: DecoderStepOptions,
  ): Promise<{ readonly result: DecoderStepResult; readonly state: DecoderState }> {
    return this.inner.step(state, tokens, seqLen, options);
  }
  close(): Promise<void> {
    this.#closed ??= this.inner.close().finally(() => this.checkpoint.close());
    return this.#closed;
  }
  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }
}
