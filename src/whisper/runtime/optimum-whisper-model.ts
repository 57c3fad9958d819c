/**
 * `WhisperModel` over HF optimum exports (`onnx/encoder_model.onnx` + `onnx/decoder_model_merged.onnx`),
 * driven the way transformers.js drives them (ref: /work/shared/reference/whisper.md §5.1,
 * tjs `models/modeling_utils.js`): first step `use_cache_branch = false` with empty pasts, later
 * steps `true` with the last token(s); the encoder K/V from the first step are kept (the cached
 * branch re-emits nothing useful for them). Inputs are fed by the session's `inputNames`.
 */
import { join } from 'node:path';
import * as ort from 'onnxruntime-node';
import { AppError } from '../../shared/index.js';
import { optimumPastName, optimumPresentName } from '../graph/optimum-decoder-graph.js';
import type { WhisperConfig } from '../whisper-config.js';
import type {
  DecoderState,
  DecoderStepOptions,
  DecoderStepResult,
  EncodedAudio,
  WhisperModel,
} from '../whisper-model.js';
import {
  createOrtSession,
  resolveDevice,
  runOrtSession,
  type OrtSessionOptions,
  type WhisperDevice,
} from './create-ort-session.js';
import { gatherRows, repeatIndices } from './gather-rows.js';
import { KvDecoderState, type LayerKv } from './kv-decoder-state.js';
import { TensorEncodedAudio } from './tensor-encoded-audio.js';
import { validateMel, validateRowsPerItem, validateStep } from './validate-inputs.js';

const emptyTensor = (rows: number, heads: number, headDim: number): ort.Tensor =>
  new ort.Tensor('float32', new Float32Array(0), [rows, heads, 0, headDim]);

/** A Whisper model running an optimum-layout export. */
export class OptimumWhisperModel implements WhisperModel {
  #closed = false;

  private constructor(
    readonly config: WhisperConfig,
    readonly device: WhisperDevice,
    private readonly encoder: ort.InferenceSession,
    private readonly decoder: ort.InferenceSession,
  ) {}

  /**
   * @throws AppError RUNTIME_UNAVAILABLE when the files are missing or ONNX Runtime rejects them
   */
  static async load(
    dir: string,
    config: WhisperConfig,
    options: OrtSessionOptions = {},
  ): Promise<OptimumWhisperModel> {
    const device = await resolveDevice(options);
    const sessionOptions = { ...options, device };
    const encoder = await createOrtSession({ path: join(dir, 'onnx', 'encoder_model.onnx') }, sessionOptions);
    const decoder = await createOrtSession(
      { path: join(dir, 'onnx', 'decoder_model_merged.onnx') },
      sessionOptions,
    );
    for (const name of ['input_ids', 'encoder_hidden_states', 'use_cache_branch']) {
      if (!decoder.session.inputNames.includes(name)) {
        throw new AppError(
          'RUNTIME_UNAVAILABLE',
          `Cannot use ${dir}: decoder_model_merged.onnx has no input ${name}`,
        );
      }
    }
    return new OptimumWhisperModel(config, decoder.device, encoder.session, decoder.session);
  }

  #assertOpen(): void {
    if (this.#closed) throw new AppError('RESOURCE_CLOSED', 'Cannot use Whisper model: it was closed');
  }

  async encode(mel: Float32Array, batchSize: number): Promise<EncodedAudio> {
    this.#assertOpen();
    validateMel(this.config, mel, batchSize);
    const input = new ort.Tensor('float32', mel, [
      batchSize,
      this.config.numMelBins,
      this.config.windowFrames,
    ]);
    const out = await runOrtSession(this.encoder, { input_features: input }, 'optimum Whisper encoder');
    const hidden = out.last_hidden_state;
    return new TensorEncodedAudio(batchSize, hidden.dims[1], { hidden }, this);
  }

  startDecoder(audio: EncodedAudio, rowsPerItem: number): DecoderState {
    this.#assertOpen();
    validateRowsPerItem(rowsPerItem);
    if (
      !(audio instanceof TensorEncodedAudio) ||
      audio.owner !== this ||
      audio.tensors.hidden === undefined
    ) {
      throw new AppError('REQUEST_INVALID', 'Cannot start decoder: the audio was encoded by another model');
    }
    const hidden = audio.tensors.hidden;
    const rows = audio.batchSize * rowsPerItem;
    const expanded =
      rowsPerItem === 1
        ? hidden
        : new ort.Tensor(
            'float32',
            gatherRows(
              hidden.data as Float32Array,
              hidden.size / audio.batchSize,
              repeatIndices(audio.batchSize, rowsPerItem),
            ),
            [rows, ...hidden.dims.slice(1)],
          );
    const heads = this.config.decoderAttentionHeads;
    const headDim = this.config.dModel / heads;
    const self: LayerKv[] = [];
    for (let i = 0; i < this.config.decoderLayers; i++) {
      self.push({ key: emptyTensor(rows, heads, headDim), value: emptyTensor(rows, heads, headDim) });
    }
    return new KvDecoderState({
      rows,
      pastLength: 0,
      rowsPerItem,
      self,
      cross: undefined,
      encoderHidden: expanded,
      owner: this,
    });
  }

  async step(
    state: DecoderState,
    tokens: Int32Array,
    seqLen: number,
    options: DecoderStepOptions = {},
  ): Promise<{ readonly result: DecoderStepResult; readonly state: DecoderState }> {
    this.#assertOpen();
    if (!(state instanceof KvDecoderState) || state.owner !== this) {
      throw new AppError('REQUEST_INVALID', 'Cannot run decoder step: the state belongs to another model');
    }
    if (options.crossAttention === true) {
      throw new AppError(
        'REQUEST_INVALID',
        'Cannot return cross-attention: optimum exports have no alignment output',
      );
    }
    const f = state.fields;
    validateStep(this.config, state.rows, state.pastLength, tokens, seqLen);
    const heads = this.config.decoderAttentionHeads;
    const headDim = this.config.dModel / heads;
    const useCache = f.cross !== undefined;
    const all: Record<string, ort.Tensor> = {
      input_ids: new ort.Tensor(
        'int64',
        BigInt64Array.from(tokens, (t) => BigInt(t)),
        [state.rows, seqLen],
      ),
      encoder_hidden_states: f.encoderHidden as ort.Tensor,
      use_cache_branch: new ort.Tensor('bool', Uint8Array.of(useCache ? 1 : 0), [1]),
    };
    for (let i = 0; i < this.config.decoderLayers; i++) {
      all[optimumPastName(i, 'decoder', 'key')] = f.self[i].key;
      all[optimumPastName(i, 'decoder', 'value')] = f.self[i].value;
      all[optimumPastName(i, 'encoder', 'key')] = f.cross?.[i].key ?? emptyTensor(state.rows, heads, headDim);
      all[optimumPastName(i, 'encoder', 'value')] =
        f.cross?.[i].value ?? emptyTensor(state.rows, heads, headDim);
    }
    const feeds: Record<string, ort.Tensor> = {};
    for (const name of this.decoder.inputNames) {
      if (all[name] === undefined) {
        throw new AppError('RUNTIME_UNAVAILABLE', `Cannot run optimum decoder: unsupported input ${name}`);
      }
      feeds[name] = all[name];
    }
    const out = await runOrtSession(this.decoder, feeds, 'optimum Whisper decoder');
    const self: LayerKv[] = [];
    const cross: LayerKv[] = [];
    for (let i = 0; i < this.config.decoderLayers; i++) {
      self.push({
        key: out[optimumPresentName(i, 'decoder', 'key')],
        value: out[optimumPresentName(i, 'decoder', 'value')],
      });
      if (!useCache) {
        cross.push({
          key: out[optimumPresentName(i, 'encoder', 'key')],
          value: out[optimumPresentName(i, 'encoder', 'value')],
        });
      }
    }
    const next = new KvDecoderState({
      rows: state.rows,
      pastLength: state.pastLength + seqLen,
      rowsPerItem: state.rowsPerItem,
      self,
      cross: useCache ? f.cross : cross,
      ...(f.encoderHidden !== undefined ? { encoderHidden: f.encoderHidden } : {}),
      owner: this,
    });
    state.dispose();
    const V = this.config.vocabSize;
    const full = out.logits.data as Float32Array;
    let logits = full;
    if (options.allPositions !== true && seqLen > 1) {
      logits = new Float32Array(state.rows * V);
      for (let r = 0; r < state.rows; r++)
        logits.set(full.subarray((r * seqLen + seqLen - 1) * V, (r * seqLen + seqLen) * V), r * V);
    }
    return { result: { logits, rows: state.rows, vocabSize: V }, state: next };
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await Promise.all([this.encoder.release(), this.decoder.release()]);
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
  }
}

/**
 * Loads an HF optimum / transformers.js Whisper export from `dir` (`onnx/encoder_model.onnx`,
 * `onnx/decoder_model_merged.onnx`).
 * @throws AppError RUNTIME_UNAVAILABLE when the files are missing or ONNX Runtime rejects them
 */
export function loadOptimumModel(
  dir: string,
  config: WhisperConfig,
  options: OrtSessionOptions = {},
): Promise<WhisperModel> {
  return OptimumWhisperModel.load(dir, config, options);
}
