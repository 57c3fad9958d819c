/**
 * The contract between the decoding loop (`decode/`, `transcribe.ts`) and an inference backend
 * (`runtime/`: chorus-built ONNX graphs, or HF optimum exports). Shared weights live in the
 * model; per-request state (encoder outputs, KV caches) lives in the handles it returns, so one
 * model serves many concurrent requests (CONVENTIONS.md §6).
 */
import type { WhisperConfig } from './whisper-config.js';

/** Encoder output for a batch of windows, holding the cross-attention K/V per decoder layer. */
export interface EncodedAudio extends Disposable {
  readonly batchSize: number;
  /** Encoder positions per item (maxSourcePositions). */
  readonly positions: number;
  dispose(): void;
}

/** A decoder's self-attention KV cache for `rows` sequences (beam rows × batch items). */
export interface DecoderState extends Disposable {
  readonly rows: number;
  /** Tokens already consumed per row (all rows advance together). */
  readonly pastLength: number;
  /**
   * Gathers rows: row r of the new state is row `source[r]` of this one (beam search reordering).
   * Returns a new state; this one stays valid until disposed.
   */
  reorder(source: Int32Array): DecoderState;
  dispose(): void;
}

/** What one decoder step returns. */
export interface DecoderStepResult {
  /** Logits of the LAST fed position of each row: [rows, vocabSize], or all fed positions
   *  [rows, seqLen, vocabSize] when `allPositions` was requested. */
  readonly logits: Float32Array;
  readonly rows: number;
  readonly vocabSize: number;
  /**
   * Cross-attention weights of the alignment heads, when requested:
   * [rows, alignmentHeads.length, seqLen, positions] (softmax-normalised, as openai/whisper's
   * `QKs` hooks give them before its own normalisation steps).
   */
  readonly crossAttention?: Float32Array;
}

export interface DecoderStepOptions {
  readonly allPositions?: boolean;
  readonly crossAttention?: boolean;
}

/** A loaded Whisper model that can encode mel windows and run decoder steps. */
export interface WhisperModel extends AsyncDisposable {
  readonly config: WhisperConfig;
  /** Which execution provider actually runs ('cpu' | 'cuda'), for logs and metrics. */
  readonly device: string;
  /** Encodes `batchSize` windows; `mel` is [batchSize, numMelBins, windowFrames], row-major. */
  encode(mel: Float32Array, batchSize: number): Promise<EncodedAudio>;
  /** A fresh decoder state with `rowsPerItem` rows per batch item of `audio` (rows = batch · rowsPerItem). */
  startDecoder(audio: EncodedAudio, rowsPerItem: number): DecoderState;
  /**
   * Feeds `tokens` ([rows, seqLen], row-major) and returns the logits; the returned state has the
   * fed tokens appended (the input state is consumed and must not be used again).
   */
  step(
    state: DecoderState,
    tokens: Int32Array,
    seqLen: number,
    options?: DecoderStepOptions,
  ): Promise<{ readonly result: DecoderStepResult; readonly state: DecoderState }>;
  close(): Promise<void>;
}
