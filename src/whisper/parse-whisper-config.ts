import { z } from 'zod';
import {
  AppError,
  WHISPER_HOP_LENGTH_SAMPLES,
  WHISPER_N_FFT_SAMPLES,
  WHISPER_SAMPLE_RATE_HZ,
} from '../shared/index.js';
import type { WhisperConfig } from './whisper-config.js';

/**
 * Parses the JSON files of a Hugging Face Whisper folder into a {@link WhisperConfig}.
 * ref: /work/shared/reference/whisper.md §1.3 (sizes, token ids per family), §3.2 (special-token
 * layout from vocab_size), §4.8 (alignment_heads), §5.2 (preprocessor fields).
 */

const posInt = z.number().int().positive();
const tokenId = z.number().int().nonnegative();
const tokenList = z.array(tokenId);
/** HF generation configs sometimes hold a list for eos_token_id; the first entry is the EOT. */
const tokenIdOrList = z.union([tokenId, z.array(tokenId).min(1)]);

/** Unknown HF keys pass through; the size fields every Whisper config.json has are required. */
const ConfigSchema = z.looseObject({
  d_model: posInt,
  encoder_layers: posInt,
  decoder_layers: posInt,
  encoder_attention_heads: posInt,
  decoder_attention_heads: posInt,
  encoder_ffn_dim: posInt,
  decoder_ffn_dim: posInt,
  vocab_size: posInt,
  num_mel_bins: posInt,
  // HF WhisperConfig defaults (configuration_whisper.py): 1500 encoder / 448 decoder positions.
  max_source_positions: posInt.default(1500),
  max_target_positions: posInt.default(448),
  decoder_start_token_id: tokenId.optional(),
  eos_token_id: tokenIdOrList.optional(),
  pad_token_id: tokenId.nullable().optional(),
  begin_suppress_tokens: tokenList.nullable().optional(),
  suppress_tokens: tokenList.nullable().optional(),
});

const GenerationSchema = z.looseObject({
  decoder_start_token_id: tokenId.optional(),
  eos_token_id: tokenIdOrList.optional(),
  pad_token_id: tokenId.nullable().optional(),
  begin_suppress_tokens: tokenList.nullable().optional(),
  suppress_tokens: tokenList.nullable().optional(),
  alignment_heads: z
    .array(z.tuple([z.number().int().nonnegative(), z.number().int().nonnegative()]))
    .optional(),
  is_multilingual: z.boolean().optional(),
  lang_to_id: z.record(z.string(), tokenId).optional(),
  task_to_id: z.record(z.string(), tokenId).optional(),
  no_timestamps_token_id: tokenId.optional(),
  max_initial_timestamp_index: z.number().int().nonnegative().optional(),
  condition_on_prev_tokens: z.boolean().optional(),
});

const PreprocessorSchema = z.looseObject({
  chunk_length: z.number().positive().optional(),
  feature_size: posInt.optional(),
  sampling_rate: posInt.optional(),
  hop_length: posInt.optional(),
  n_fft: posInt.optional(),
  n_samples: posInt.optional(),
  nb_max_frames: posInt.optional(),
});

/** Vocabulary size of English-only models; multilingual ones have more (ow model.py `is_multilingual`). */
const MULTILINGUAL_MIN_VOCAB = 51865;
/** Last byte-level BPE rank in gpt2 (`.en`) = first id before the specials; EOT follows the ranks (§3.1). */
const GPT2_RANKS = 50256;
const MULTILINGUAL_RANKS = 50257;
/** `encode(" ")` in both Whisper encodings; the first token SuppressBlank removes (§4.2). */
const SPACE_TOKEN_ID = 220;

function parseOrThrow<T>(schema: z.ZodType<T>, value: unknown, file: string): T {
  const r = schema.safeParse(value);
  if (r.success) return r.data;
  const issues = r.error.issues
    .map((i) => `${i.path.length > 0 ? i.path.join('.') : '(root)'}: ${i.message}`)
    .join('; ');
  throw new AppError('CHECKPOINT_INVALID', `Cannot read Whisper ${file}: ${issues}`);
}

function firstId(v: number | readonly number[] | undefined): number | undefined {
  return typeof v === 'number' || v === undefined ? v : v[0];
}

/**
 * openai/whisper's default when a model has no alignment-head table: every head of the second half
 * of the decoder layers (ref: openai/whisper whisper/model.py@c0d2f62, `Whisper.__init__`:
 * `all_heads[self.dims.n_text_layer // 2 :] = True`).
 */
export function defaultAlignmentHeads(decoderLayers: number, decoderHeads: number): [number, number][] {
  const out: [number, number][] = [];
  for (let layer = Math.floor(decoderLayers / 2); layer < decoderLayers; layer++) {
    for (let head = 0; head < decoderHeads; head++) out.push([layer, head]);
  }
  return out;
}

/**
 * Builds a WhisperConfig from `config.json` (required), `generation_config.json` and
 * `preprocessor_config.json` (both optional). Precedence for token settings: generation config,
 * then config.json, then the layout derived from `vocab_size` (§3.2). Notes:
 * - `alignmentHeads` defaults to {@link defaultAlignmentHeads} (openai's rule without a table).
 * - `beginSuppressTokens` from config.json alone: a multilingual config listing 50256 (an empty
 *   byte-level rank there, never produced; the large-v3-turbo config.json leftover, §1.3) gets
 *   it replaced by the real EOT, as openai's SuppressBlank suppresses `[" ", EOT]`.
 * - Window: `windowFrames = 2·max_source_positions`, `windowSamples = windowFrames·160`,
 *   `chunkLengthSec = windowSamples/16000`; a preprocessor `chunk_length`, `nb_max_frames`,
 *   `n_samples`, `feature_size`, `sampling_rate`, `hop_length` or `n_fft` that disagrees is an error.
 * @throws AppError `CHECKPOINT_INVALID` naming the file and field at fault.
 */
export function parseWhisperConfig(
  configJson: unknown,
  generationConfigJson?: unknown,
  preprocessorJson?: unknown,
): WhisperConfig {
  const c = parseOrThrow(ConfigSchema, configJson, 'config.json');
  const g =
    generationConfigJson === undefined
      ? {}
      : parseOrThrow(GenerationSchema, generationConfigJson, 'generation_config.json');
  const p =
    preprocessorJson === undefined
      ? {}
      : parseOrThrow(PreprocessorSchema, preprocessorJson, 'preprocessor_config.json');
  const bad = (file: string, msg: string): AppError =>
    new AppError('CHECKPOINT_INVALID', `Cannot read Whisper ${file}: ${msg}`);

  for (const [field, heads] of [
    ['encoder_attention_heads', c.encoder_attention_heads],
    ['decoder_attention_heads', c.decoder_attention_heads],
  ] as const) {
    if (c.d_model % heads !== 0)
      throw bad('config.json', `${field}: ${heads} does not divide d_model ${c.d_model}`);
  }

  const isMultilingual = g.is_multilingual ?? c.vocab_size >= MULTILINGUAL_MIN_VOCAB;
  // §3.2: EOT follows the BPE ranks, SOT follows EOT.
  const derivedEot = c.vocab_size >= MULTILINGUAL_MIN_VOCAB ? MULTILINGUAL_RANKS : GPT2_RANKS;
  const eosTokenId = firstId(g.eos_token_id) ?? firstId(c.eos_token_id) ?? derivedEot;
  const decoderStartTokenId = g.decoder_start_token_id ?? c.decoder_start_token_id ?? derivedEot + 1;
  const padTokenId = g.pad_token_id ?? c.pad_token_id ?? eosTokenId;
  for (const [field, id] of [
    ['eos_token_id', eosTokenId],
    ['decoder_start_token_id', decoderStartTokenId],
    ['pad_token_id', padTokenId],
  ] as const) {
    if (id >= c.vocab_size)
      throw bad('config.json', `${field}: ${id} is not below vocab_size ${c.vocab_size}`);
  }

  let beginSuppressTokens: readonly number[];
  if (g.begin_suppress_tokens != null) beginSuppressTokens = g.begin_suppress_tokens;
  else if (c.begin_suppress_tokens != null) {
    beginSuppressTokens =
      c.vocab_size >= MULTILINGUAL_MIN_VOCAB
        ? c.begin_suppress_tokens.map((t) => (t === GPT2_RANKS ? eosTokenId : t))
        : c.begin_suppress_tokens;
  } else beginSuppressTokens = [SPACE_TOKEN_ID, eosTokenId];
  const suppressTokens = g.suppress_tokens ?? c.suppress_tokens ?? [];

  const alignmentHeads =
    g.alignment_heads ?? defaultAlignmentHeads(c.decoder_layers, c.decoder_attention_heads);
  for (const [layer, head] of alignmentHeads) {
    if (layer >= c.decoder_layers || head >= c.decoder_attention_heads) {
      throw bad(
        'generation_config.json',
        `alignment_heads: [${layer}, ${head}] is outside ${c.decoder_layers} layers × ${c.decoder_attention_heads} heads`,
      );
    }
  }

  const windowFrames = 2 * c.max_source_positions;
  const windowSamples = windowFrames * WHISPER_HOP_LENGTH_SAMPLES;
  const chunkLengthSec = windowSamples / WHISPER_SAMPLE_RATE_HZ;
  const checks: [string, number | undefined, number][] = [
    ['chunk_length', p.chunk_length, chunkLengthSec],
    ['nb_max_frames', p.nb_max_frames, windowFrames],
    ['n_samples', p.n_samples, windowSamples],
    ['feature_size', p.feature_size, c.num_mel_bins],
    ['sampling_rate', p.sampling_rate, WHISPER_SAMPLE_RATE_HZ],
    ['hop_length', p.hop_length, WHISPER_HOP_LENGTH_SAMPLES],
    ['n_fft', p.n_fft, WHISPER_N_FFT_SAMPLES],
  ];
  for (const [field, got, want] of checks) {
    if (got !== undefined && got !== want) {
      throw bad('preprocessor_config.json', `${field}: ${got} disagrees with ${want} implied by config.json`);
    }
  }

  return {
    dModel: c.d_model,
    encoderLayers: c.encoder_layers,
    decoderLayers: c.decoder_layers,
    encoderAttentionHeads: c.encoder_attention_heads,
    decoderAttentionHeads: c.decoder_attention_heads,
    encoderFfnDim: c.encoder_ffn_dim,
    decoderFfnDim: c.decoder_ffn_dim,
    vocabSize: c.vocab_size,
    numMelBins: c.num_mel_bins,
    maxSourcePositions: c.max_source_positions,
    maxTargetPositions: c.max_target_positions,
    windowFrames,
    windowSamples,
    chunkLengthSec: p.chunk_length ?? chunkLengthSec,
    decoderStartTokenId,
    eosTokenId,
    padTokenId,
    beginSuppressTokens: Object.freeze([...beginSuppressTokens]),
    suppressTokens: Object.freeze([...suppressTokens]),
    alignmentHeads: Object.freeze(alignmentHeads.map(([l, h]) => Object.freeze([l, h] as const))),
    isMultilingual,
    ...(g.lang_to_id !== undefined ? { langToId: Object.freeze({ ...g.lang_to_id }) } : {}),
    ...(g.task_to_id !== undefined ? { taskToId: Object.freeze({ ...g.task_to_id }) } : {}),
    ...(g.no_timestamps_token_id !== undefined ? { noTimestampsTokenId: g.no_timestamps_token_id } : {}),
    ...(g.max_initial_timestamp_index !== undefined
      ? { maxInitialTimestampIndex: g.max_initial_timestamp_index }
      : {}),
    ...(g.condition_on_prev_tokens !== undefined
      ? { conditionOnPreviousText: g.condition_on_prev_tokens }
      : {}),
  };
}
