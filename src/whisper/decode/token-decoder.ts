/** A finished candidate sequence: the full token row (initial tokens, sampled tokens, EOT). */
export interface DecodedCandidate {
  readonly tokens: readonly number[];
  /** Sum of the log-probabilities of the sampled tokens, EOT included. */
  readonly sumLogprob: number;
}

/** What one update did to the rows. */
export interface TokenDecoderUpdate {
  /** True when decoding is over for every row. */
  readonly completed: boolean;
  /** Beam search: new row r continues old row `source[r]` (reorder the KV cache). */
  readonly source?: Int32Array;
}

/**
 * Chooses next tokens from filtered logits (greedy/sampling or beam search).
 * ref: openai/whisper whisper/decoding.py@c0d2f62 (`TokenDecoder`).
 */
export interface TokenDecoder {
  /**
   * @param rows each row's full sequence; rows are extended (or replaced, for beam search) in place.
   * @param logits filtered logits [rows.length, vocabSize].
   */
  update(rows: number[][], logits: Float32Array, vocabSize: number): TokenDecoderUpdate;
  /** All candidates once the loop stops (each ends with EOT). */
  finalize(rows: readonly number[][]): DecodedCandidate[];
}
