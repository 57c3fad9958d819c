/**
 * `WhisperModel` over chorus-built graphs: the encoder emits every decoder layer's cross K/V once
 * per window; each decoder step feeds the self-attention cache and the cross K/V and gets logits
 * + the grown cache. The word-timestamp decoder variant (alignment-head cross-attention output) is
 * built lazily on the first `crossAttention: true` step.
 */
import * as ort from 'onnxruntime-node';
import { AppError } from '../../shared/index.js';
import {
  buildDecoderGraph,
  DECODER_CROSS_ATTENTION,
  DECODER_INPUT_IDS,
  DECODER_LOGITS,
  DECODER_LOGITS_LAST_N,
  pastKeyName,
  pastValueName,
  presentKeyName,
  presentValueName,
} from '../graph/decoder-graph.js';
import { buildEncoderGraph, crossKeyName, crossValueName, ENCODER_INPUT } from '../graph/encoder-graph.js';
import type { WhisperGraphOptions } from '../graph/graph-context.js';
import type { WeightSource } from '../graph/weight-source.js';
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
import { repeatIndices } from './gather-rows.js';
import { KvDecoderState, type LayerKv } from './kv-decoder-state.js';
import { TensorEncodedAudio } from './tensor-encoded-audio.js';
import { validateMel, validateRowsPerItem, validateStep } from './validate-inputs.js';

/** Options of `loadWhisperModel`. */
export interface LoadWhisperModelOptions extends OrtSessionOptions, WhisperGraphOptions {
  readonly config: WhisperConfig;
  readonly weights: WeightSource;
}

function emptyKv(rows: number, heads: number, headDim: number): LayerKv {
  return {
    key: new ort.Tensor('float32', new Float32Array(0), [rows, heads, 0, headDim]),
    value: new ort.Tensor('float32', new Float32Array(0), [rows, heads, 0, headDim]),
  };
}

function expandRows(t: ort.Tensor, rowsPerItem: number): ort.Tensor {
  if (rowsPerItem === 1) return t;
  const items = t.dims[0];
  const rowLength = t.size / items;
  const src = t.data as Float32Array;
  const out = new Float32Array(t.size * rowsPerItem);
  const idx = repeatIndices(items, rowsPerItem);
  for (let r = 0; r < idx.length; r++)
    out.set(src.subarray(idx[r] * rowLength, (idx[r] + 1) * rowLength), r * rowLength);
  return new ort.Tensor('float32', out, [items * rowsPerItem, ...t.dims.slice(1)]);
}

/** A Whisper model running chorus-built ONNX graphs. */
export class ChorusWhisperModel implements WhisperModel {
  readonly #encoder: ort.InferenceSession;
  readonly #decoder: ort.InferenceSession;
  #alignmentDecoder: Promise<ort.InferenceSession> | undefined;
  #closed = false;

  private constructor(
    readonly config: WhisperConfig,
    readonly device: WhisperDevice,
    encoder: ort.InferenceSession,
    decoder: ort.InferenceSession,
    private readonly options: LoadWhisperModelOptions,
  ) {
    this.#encoder = encoder;
    this.#decoder = decoder;
  }

  /**
   * Builds the graphs from `options.weights` and creates the sessions.
   * @throws AppError CHECKPOINT_INVALID for a missing, mis-sized or non-finite tensor
   * @throws AppError RUNTIME_UNAVAILABLE when ONNX Runtime rejects a graph
   */
  static async load(options: LoadWhisperModelOptions): Promise<ChorusWhisperModel> {
    const { config, weights } = options;
    const device = await resolveDevice(options);
    const graphOptions: WhisperGraphOptions = {
      fused: options.fused ?? true,
      // GPU memory is the scarce resource there: fp16 weights, cast at their use.
      weightType: options.weightType ?? (device === 'cuda' ? 'float16' : 'float32'),
    };
    const sessionOptions = { ...options, device };
    const encoder = await createOrtSession(
      await buildEncoderGraph(config, weights, graphOptions),
      sessionOptions,
    );
    const decoder = await createOrtSession(
      await buildDecoderGraph(config, weights, graphOptions),
      sessionOptions,
    );
    return new ChorusWhisperModel(config, decoder.device, encoder.session, decoder.session, {
      ...sessionOptions,
      ...graphOptions,
    });
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
    const out = await runOrtSession(this.#encoder, { [ENCODER_INPUT]: input }, 'Whisper encoder');
    const cross: LayerKv[] = [];
    for (let i = 0; i < this.config.decoderLayers; i++) {
      cross.push({ key: out[crossKeyName(i)], value: out[crossValueName(i)] });
    }
    return new TensorEncodedAudio(batchSize, this.config.maxSourcePositions, { cross }, this);
  }

  /** Encoder hidden states [batch, positions, d] (for parity checks and tooling). */
  async encodeHidden(mel: Float32Array, batchSize: number): Promise<Float32Array> {
    this.#assertOpen();
    validateMel(this.config, mel, batchSize);
    const input = new ort.Tensor('float32', mel, [
      batchSize,
      this.config.numMelBins,
      this.config.windowFrames,
    ]);
    const out = await runOrtSession(this.#encoder, { [ENCODER_INPUT]: input }, 'Whisper encoder');
    return out.last_hidden_state.data as Float32Array;
  }

  startDecoder(audio: EncodedAudio, rowsPerItem: number): DecoderState {
    this.#assertOpen();
    validateRowsPerItem(rowsPerItem);
    if (!(audio instanceof TensorEncodedAudio) || audio.owner !== this) {
      throw new AppError('REQUEST_INVALID', 'Cannot start decoder: the audio was encoded by another model');
    }
    const cross = audio.tensors.cross ?? [];
    const rows = audio.batchSize * rowsPerItem;
    const heads = this.config.decoderAttentionHeads;
    const headDim = this.config.dModel / heads;
    return new KvDecoderState({
      rows,
      pastLength: 0,
      rowsPerItem,
      self: cross.map(() => emptyKv(rows, heads, headDim)),
      cross: cross.map((kv) => ({
        key: expandRows(kv.key, rowsPerItem),
        value: expandRows(kv.value, rowsPerItem),
      })),
      owner: this,
    });
  }

  #alignmentSession(): Promise<ort.InferenceSession> {
    if (this.#alignmentDecoder === undefined) {
      const building = (async () => {
        const graph = await buildDecoderGraph(this.config, this.options.weights, {
          ...this.options,
          alignmentHeads: this.config.alignmentHeads,
        });
        return (await createOrtSession(graph, { ...this.options, device: this.device })).session;
      })();
      // A failed build is not cached: the next request retries.
      building.catch(() => {
        if (this.#alignmentDecoder === building) this.#alignmentDecoder = undefined;
      });
      this.#alignmentDecoder = building;
    }
    return this.#alignmentDecoder;
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
    const f = state.fields;
    validateStep(this.config, state.rows, state.pastLength, tokens, seqLen);
    const wantAlignment = options.crossAttention === true;
    if (wantAlignment && this.config.alignmentHeads.length === 0) {
      throw new AppError(
        'REQUEST_INVALID',
        'Cannot return cross-attention: the config lists no alignment heads',
      );
    }
    const logitsN = options.allPositions === true ? seqLen : 1;
    const feeds: Record<string, ort.Tensor> = {
      [DECODER_INPUT_IDS]: new ort.Tensor('int32', tokens, [state.rows, seqLen]),
      [DECODER_LOGITS_LAST_N]: new ort.Tensor('int64', BigInt64Array.of(BigInt(logitsN)), [1]),
    };
    const cross = f.cross ?? [];
    for (let i = 0; i < this.config.decoderLayers; i++) {
      feeds[pastKeyName(i)] = f.self[i].key;
      feeds[pastValueName(i)] = f.self[i].value;
      feeds[crossKeyName(i)] = cross[i].key;
      feeds[crossValueName(i)] = cross[i].value;
    }
    const session = wantAlignment ? await this.#alignmentSession() : this.#decoder;
    const out = await runOrtSession(session, feeds, 'Whisper decoder');
    const self: LayerKv[] = [];
    for (let i = 0; i < this.config.decoderLayers; i++) {
      self.push({ key: out[presentKeyName(i)], value: out[presentValueName(i)] });
    }
    const next = new KvDecoderState({
      rows: state.rows,
      pastLength: state.pastLength + seqLen,
      rowsPerItem: state.rowsPerItem,
      self,
      cross: f.cross,
      owner: this,
    });
    state.dispose();
    const result: DecoderStepResult = {
      logits: out[DECODER_LOGITS].data as Float32Array,
      rows: state.rows,
      vocabSize: this.config.vocabSize,
      ...(wantAlignment ? { crossAttention: out[DECODER_CROSS_ATTENTION].data as Float32Array } : {}),
    };
    return { result, state: next };
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    const sessions = [this.#encoder, this.#decoder];
    if (this.#alignmentDecoder !== undefined)
      sessions.push(await this.#alignmentDecoder.catch(() => this.#decoder));
    await Promise.all([...new Set(sessions)].map((s) => s.release()));
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
  }
}

/**
 * Builds chorus's Whisper graphs from checkpoint weights and loads them into ONNX Runtime.
 * CUDA is tried when `device: 'cuda'` (fp16 weights), with a logged fallback to CPU; `device`
 * on the result reports what runs.
 * @throws AppError CHECKPOINT_INVALID for a missing, mis-sized or non-finite tensor (named)
 * @throws AppError RUNTIME_UNAVAILABLE when ONNX Runtime rejects a graph
 */
export function loadWhisperModel(options: LoadWhisperModelOptions): Promise<WhisperModel> {
  return ChorusWhisperModel.load(options);
}
