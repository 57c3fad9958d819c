/**
 * The shape and token layout of a Whisper model, read from a Hugging Face checkpoint folder
 * (`config.json`, `generation_config.json`, `preprocessor_config.json`). Field names follow
 * chorus's unit-suffix convention; the HF names are given in JSDoc.
 * ref: /work/shared/reference/whisper.md §1.3.
 */
export interface WhisperConfig {
  /** HF `d_model`. */
  readonly dModel: number;
  /** HF `encoder_layers` / `decoder_layers` (unequal for turbo: 32/4). */
  readonly encoderLayers: number;
  readonly decoderLayers: number;
  /** HF `encoder_attention_heads` / `decoder_attention_heads`. */
  readonly encoderAttentionHeads: number;
  readonly decoderAttentionHeads: number;
  /** HF `encoder_ffn_dim` / `decoder_ffn_dim`. */
  readonly encoderFfnDim: number;
  readonly decoderFfnDim: number;
  /** HF `vocab_size`: 51864 (.en), 51865 (multilingual v1/v2), 51866 (v3). */
  readonly vocabSize: number;
  /** HF `num_mel_bins`: 80 or 128. */
  readonly numMelBins: number;
  /** HF `max_source_positions`: encoder positions per window (1500 for 30 s; fewer for short windows). */
  readonly maxSourcePositions: number;
  /** HF `max_target_positions`: decoder positions (448). */
  readonly maxTargetPositions: number;
  /** Mel frames per window = 2 · maxSourcePositions (conv2 has stride 2). */
  readonly windowFrames: number;
  /** Audio samples per window at 16 kHz = windowFrames · 160. */
  readonly windowSamples: number;
  /** Window length in seconds (preprocessor `chunk_length`, or derived from windowFrames). */
  readonly chunkLengthSec: number;
  /** HF `decoder_start_token_id` (<|startoftranscript|>). */
  readonly decoderStartTokenId: number;
  /** HF `eos_token_id` (<|endoftext|>). */
  readonly eosTokenId: number;
  /** HF `pad_token_id`. */
  readonly padTokenId: number;
  /** generation_config `begin_suppress_tokens` (config.json fallback). */
  readonly beginSuppressTokens: readonly number[];
  /** generation_config `suppress_tokens` (config.json fallback); may be empty. */
  readonly suppressTokens: readonly number[];
  /** generation_config `alignment_heads` as [layer, head] pairs; a documented default when absent. */
  readonly alignmentHeads: readonly (readonly [number, number])[];
  /** generation_config `is_multilingual`, else `vocabSize >= 51865`. */
  readonly isMultilingual: boolean;
  /** generation_config `lang_to_id` (e.g. `{"<|en|>": 50259}`), when present. */
  readonly langToId?: Readonly<Record<string, number>>;
  /** generation_config `task_to_id`, when present. */
  readonly taskToId?: Readonly<Record<string, number>>;
  /** generation_config `no_timestamps_token_id`, when present. */
  readonly noTimestampsTokenId?: number;
  /** generation_config `max_initial_timestamp_index`, when present (openai default 50 = 1.0 s). */
  readonly maxInitialTimestampIndex?: number;
  /**
   * generation_config `condition_on_prev_tokens` (transformers' name for openai's
   * `condition_on_previous_text`), when present: the model maker's default for long-form decoding.
   * A model trained without previous-text prompts decodes long audio better without them.
   */
  readonly conditionOnPreviousText?: boolean;
}
