import type { WhisperTokenizer } from '../../tokenizer/whisper-tokenizer.js';

/**
 * One rule that masks next-token logits in place (sets forbidden ids to −Infinity), applied to
 * each decoder row before the token is chosen. Implementations are listed in `registry.ts`, in
 * openai's order. ref: openai/whisper whisper/decoding.py@c0d2f62 (`LogitFilter`).
 */
export interface LogitsFilter {
  readonly name: string;
  /**
   * @param logits one row [vocabSize], masked in place.
   * @param tokens the row's whole sequence so far (prompt, SOT sequence, sampled tokens).
   */
  apply(logits: Float32Array, tokens: readonly number[]): void;
}

/** What a filter may depend on; fixed for one decoding pass. */
export interface LogitsFilterContext {
  readonly tokenizer: WhisperTokenizer;
  /** Index in `tokens` of the first sampled token (= length of the initial tokens). */
  readonly sampleBegin: number;
  /** Token ids never sampled (already expanded from openai's "-1"). */
  readonly suppressTokens: readonly number[];
  /** Suppress " " and EOT as the first sampled token. */
  readonly suppressBlank: boolean;
  /** No timestamp tokens (the SOT sequence ends in <|notimestamps|>). */
  readonly withoutTimestamps: boolean;
  /** Largest first timestamp, in timestamp steps (openai: round(1.0 s / 0.02) = 50); undefined = no cap. */
  readonly maxInitialTimestampIndex: number | undefined;
  /** Timestamp steps that fit in the model's window (maxSourcePositions; 1500 for 30 s). */
  readonly windowPositions: number;
}

/** A registry entry: builds the filter for a pass, or `undefined` when the options turn it off. */
export interface LogitsFilterFactory {
  readonly name: string;
  create(context: LogitsFilterContext): LogitsFilter | undefined;
}
