/**
 * A deterministic TEST double of {@link WhisperModel}: no network, the "language model" is a
 * function from (window id, token history) to logits. Used to test the search algorithms and the
 * transcription loop without weights. Not exported from the layer.
 */
import type { WhisperConfig } from '../../whisper-config.js';
import type {
  DecoderState,
  DecoderStepOptions,
  DecoderStepResult,
  EncodedAudio,
  WhisperModel,
} from '../../whisper-model.js';

/** Logits for the next token after `history` in window `windowId` (fill `out`, pre-set to `baseline`). */
export type FakeLanguageModel = (out: Float32Array, history: readonly number[], windowId: number) => void;

/** Cross-attention of row token position `t` over encoder positions (only when requested). */
export type FakeAttention = (
  out: Float32Array,
  history: readonly number[],
  position: number,
  windowId: number,
) => void;

export interface FakeModelOptions {
  readonly vocabSize?: number;
  readonly maxSourcePositions?: number;
  readonly maxTargetPositions?: number;
  readonly numMelBins?: number;
  readonly alignmentHeads?: readonly (readonly [number, number])[];
  /** Logit of every token the LM does not set (default −10). */
  readonly baseline?: number;
  readonly attention?: FakeAttention;
  /** Window id of an encoded window (default `round(mel[0])`); `call` counts encode calls from 0. */
  readonly windowIdOf?: (mel: Float32Array, call: number) => number;
}

/** Statistics the tests can inspect. */
export interface FakeModelStats {
  encodeCalls: number;
  stepCalls: number;
  /** Mel windows passed to encode (copies). */
  readonly windows: Float32Array[];
  liveStates: number;
}

/** A config with the given shape and a multilingual vocabulary (51865 by default). */
export function fakeConfig(options: FakeModelOptions = {}): WhisperConfig {
  const maxSourcePositions = options.maxSourcePositions ?? 1500;
  const vocabSize = options.vocabSize ?? 51_865;
  return {
    dModel: 8,
    encoderLayers: 1,
    decoderLayers: 2,
    encoderAttentionHeads: 2,
    decoderAttentionHeads: 2,
    encoderFfnDim: 16,
    decoderFfnDim: 16,
    vocabSize,
    numMelBins: options.numMelBins ?? 80,
    maxSourcePositions,
    maxTargetPositions: options.maxTargetPositions ?? 448,
    windowFrames: maxSourcePositions * 2,
    windowSamples: maxSourcePositions * 2 * 160,
    chunkLengthSec: (maxSourcePositions * 2) / 100,
    decoderStartTokenId: vocabSize >= 51_865 ? 50_258 : 50_257,
    eosTokenId: vocabSize >= 51_865 ? 50_257 : 50_256,
    padTokenId: vocabSize >= 51_865 ? 50_257 : 50_256,
    beginSuppressTokens: [220, vocabSize >= 51_865 ? 50_257 : 50_256],
    suppressTokens: [],
    alignmentHeads: options.alignmentHeads ?? [
      [1, 0],
      [1, 1],
    ],
    isMultilingual: vocabSize >= 51_865,
  };
}

class FakeEncoded implements EncodedAudio {
  readonly batchSize = 1;
  constructor(
    readonly positions: number,
    readonly windowId: number,
  ) {}
  dispose(): void {}
  [Symbol.dispose](): void {}
}

class FakeState implements DecoderState {
  #disposed = false;
  constructor(
    readonly audio: FakeEncoded,
    readonly histories: number[][],
    private readonly stats: FakeModelStats,
  ) {
    stats.liveStates++;
  }
  get rows(): number {
    return this.histories.length;
  }
  get pastLength(): number {
    return this.histories[0]?.length ?? 0;
  }
  reorder(source: Int32Array): DecoderState {
    this.check();
    return new FakeState(
      this.audio,
      Array.from(source, (r) => [...this.histories[r]]),
      this.stats,
    );
  }
  check(): void {
    if (this.#disposed) throw new Error('fake decoder state used after dispose');
  }
  dispose(): void {
    if (!this.#disposed) this.stats.liveStates--;
    this.#disposed = true;
  }
  [Symbol.dispose](): void {
    this.dispose();
  }
}

/**
 * Builds the fake model. The window id of an encoded window is `round(mel[0])` (tests write it
 * into the first mel value), so each window can script its own output.
 */
export function fakeWhisperModel(
  lm: FakeLanguageModel,
  options: FakeModelOptions = {},
): WhisperModel & { readonly stats: FakeModelStats } {
  const config = fakeConfig(options);
  const baseline = options.baseline ?? -10;
  const stats: FakeModelStats = { encodeCalls: 0, stepCalls: 0, windows: [], liveStates: 0 };
  const heads = config.alignmentHeads.length;
  return {
    config,
    device: 'cpu',
    stats,
    async encode(mel: Float32Array, batchSize: number): Promise<EncodedAudio> {
      if (batchSize !== 1 || mel.length !== config.numMelBins * config.windowFrames) {
        throw new Error(`fake encode: bad mel size ${mel.length}`);
      }
      const id = options.windowIdOf?.(mel, stats.encodeCalls) ?? Math.round(mel[0]);
      stats.encodeCalls++;
      stats.windows.push(mel.slice());
      return new FakeEncoded(config.maxSourcePositions, id);
    },
    startDecoder(audio: EncodedAudio, rowsPerItem: number): DecoderState {
      const a = audio as FakeEncoded;
      return new FakeState(
        a,
        Array.from({ length: rowsPerItem }, () => []),
        stats,
      );
    },
    async step(state: DecoderState, tokens: Int32Array, seqLen: number, stepOptions?: DecoderStepOptions) {
      const s = state as FakeState;
      s.check();
      stats.stepCalls++;
      const rows = s.rows;
      if (tokens.length !== rows * seqLen) throw new Error('fake step: tokens size');
      const V = config.vocabSize;
      const all = stepOptions?.allPositions === true;
      const P = config.maxSourcePositions;
      const logits = new Float32Array(rows * (all ? seqLen : 1) * V);
      const cross =
        stepOptions?.crossAttention === true ? new Float32Array(rows * heads * seqLen * P) : undefined;
      const histories = s.histories.map((h) => [...h]);
      for (let r = 0; r < rows; r++) {
        for (let t = 0; t < seqLen; t++) {
          histories[r].push(tokens[r * seqLen + t]);
          if (histories[r].length > config.maxTargetPositions) throw new Error('fake step: past n_ctx');
          if (all || t === seqLen - 1) {
            const out = logits.subarray((all ? r * seqLen + t : r) * V, ((all ? r * seqLen + t : r) + 1) * V);
            out.fill(baseline);
            lm(out, histories[r], s.audio.windowId);
          }
          if (cross !== undefined && options.attention !== undefined) {
            for (let h = 0; h < heads; h++) {
              const off = ((r * heads + h) * seqLen + t) * P;
              options.attention(
                cross.subarray(off, off + P),
                histories[r],
                histories[r].length - 1,
                s.audio.windowId,
              );
            }
          }
        }
      }
      s.dispose();
      const result: DecoderStepResult =
        cross === undefined
          ? { logits, rows, vocabSize: V }
          : { logits, rows, vocabSize: V, crossAttention: cross };
      return { result, state: new FakeState(s.audio, histories, stats) };
    },
    async close() {},
    async [Symbol.asyncDispose]() {},
  };
}
