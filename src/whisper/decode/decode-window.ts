import assert from 'node:assert/strict';
import type { DecoderState, EncodedAudio, WhisperModel } from '../whisper-model.js';
import type { WhisperTask, WhisperTokenizer } from '../tokenizer/whisper-tokenizer.js';
import { BeamSearchDecoder } from './beam-search-decoder.js';
import { compressionRatio } from './compression-ratio.js';
import { detectLanguage, type LanguageDetection } from './detect-language.js';
import { GreedyDecoder } from './greedy-decoder.js';
import { initialTokens } from './initial-tokens.js';
import { createLogitsFilters } from './logits-filters/registry.js';
import { rankCandidates } from './rank-candidates.js';
import { suppressTokenIds } from './suppress-token-ids.js';
import type { TokenDecoder } from './token-decoder.js';

/** Options of one decoding pass over one window (openai `DecodingOptions`). */
export interface WindowDecodeOptions {
  readonly task: WhisperTask;
  /** Language code; undefined = detect it from this window. */
  readonly language?: string | undefined;
  /** 0 = greedy or beam search; > 0 = sampling. */
  readonly temperature: number;
  /** Max sampled tokens (openai `sample_len`, default maxTargetPositions / 2 = 224). */
  readonly maxNewTokens?: number | undefined;
  /** Independent samples at temperature > 0 (openai `best_of`); default 1. */
  readonly bestOf?: number | undefined;
  /** Beam search width at temperature 0; undefined or 1 = greedy. */
  readonly beamSize?: number | undefined;
  /** Beam search patience (default 1.0). */
  readonly patience?: number | undefined;
  /** Ranking length penalty; undefined = divide by length. */
  readonly lengthPenalty?: number | undefined;
  /** Previous-context text tokens (no <|startofprev|>). */
  readonly promptTokens?: readonly number[] | undefined;
  /** Forced start of this window's text. */
  readonly prefixTokens?: readonly number[] | undefined;
  /** openai `suppress_tokens`: −1 = the non-speech symbols (default `[-1]`). */
  readonly suppressTokens?: readonly number[] | undefined;
  /** Default true. */
  readonly suppressBlank?: boolean | undefined;
  /** Default false. */
  readonly withoutTimestamps?: boolean | undefined;
  /** Cap on the first timestamp, in seconds (default 1.0); null = no cap. */
  readonly maxInitialTimestampSec?: number | null | undefined;
  /** Uniform [0, 1) source for sampling (default Math.random). */
  readonly random?: (() => number) | undefined;
}

/** The chosen sequence of one window (openai `DecodingResult`). */
export interface WindowDecodeResult {
  readonly language: string;
  /** Present when the language was detected in this pass. */
  readonly languageDetection?: LanguageDetection;
  /** Sampled tokens, EOT excluded (text and timestamp tokens). */
  readonly tokens: number[];
  /** Decoded text (timestamps dropped), trimmed. */
  readonly text: string;
  readonly sumLogprob: number;
  /** sumLogprob / (tokens + 1). */
  readonly avgLogprob: number;
  /** P(<|nospeech|>) at the SOT position. */
  readonly noSpeechProb: number;
  readonly temperature: number;
  readonly compressionRatio: number;
}

// openai DecodingOptions.max_initial_timestamp default (seconds).
const DEFAULT_MAX_INITIAL_TIMESTAMP_SEC = 1.0;

/**
 * Decodes one encoded window: SOT sequence (+ prompt/prefix), logits filters, greedy/sampling or
 * beam search, candidate ranking, no-speech probability at the SOT position.
 * ref: openai/whisper whisper/decoding.py@c0d2f62 (`DecodingTask.run`, `_main_loop`).
 * @throws AppError REQUEST_INVALID for a language the vocabulary lacks.
 */
export async function decodeWindow(
  model: WhisperModel,
  tokenizer: WhisperTokenizer,
  audio: EncodedAudio,
  options: WindowDecodeOptions,
): Promise<WindowDecodeResult> {
  assert.equal(audio.batchSize, 1, 'decodeWindow() decodes one window');
  const config = model.config;
  const s = tokenizer.special;
  const sampleLen = options.maxNewTokens ?? Math.floor(config.maxTargetPositions / 2);
  let languageDetection: LanguageDetection | undefined;
  let language = options.language;
  if (language === undefined) {
    languageDetection = await detectLanguage(model, tokenizer, audio);
    language = languageDetection.language;
  }
  const withoutTimestamps = options.withoutTimestamps ?? false;
  const { tokens: initial, sotIndex } = initialTokens(tokenizer, {
    language,
    task: options.task,
    withoutTimestamps,
    prompt: options.promptTokens,
    prefix: options.prefixTokens,
    maxTargetPositions: config.maxTargetPositions,
    sampleLenTokens: sampleLen,
  });
  const sampleBegin = initial.length;
  const maxInitialSec =
    options.maxInitialTimestampSec === undefined
      ? DEFAULT_MAX_INITIAL_TIMESTAMP_SEC
      : options.maxInitialTimestampSec;
  const filters = createLogitsFilters({
    tokenizer,
    sampleBegin,
    suppressTokens: suppressTokenIds(tokenizer, options.suppressTokens ?? [-1]),
    suppressBlank: options.suppressBlank ?? true,
    withoutTimestamps,
    maxInitialTimestampIndex: maxInitialSec === null ? undefined : Math.round(maxInitialSec / 0.02),
    windowPositions: config.maxSourcePositions,
  });

  const useBeam = options.temperature === 0 && options.beamSize !== undefined && options.beamSize > 1;
  const nGroup = useBeam ? options.beamSize! : options.temperature > 0 ? (options.bestOf ?? 1) : 1;
  const decoder: TokenDecoder = useBeam
    ? new BeamSearchDecoder(nGroup, s.eot, options.patience ?? 1)
    : new GreedyDecoder(options.temperature, s.eot, options.random ?? Math.random);

  const rows: number[][] = Array.from({ length: nGroup }, () => [...initial]);
  let state: DecoderState = model.startDecoder(audio, nGroup);
  let noSpeechProb = Number.NaN;
  try {
    // Prefill in two feeds so the SOT position's logits (no-speech) come out without asking the
    // backend for every position: [prompt…, sot], then the rest of the initial tokens.
    const head = initial.slice(0, sotIndex + 1);
    const tail = initial.slice(sotIndex + 1);
    let stepped = await model.step(state, repeatRows(head, nGroup), head.length);
    state = stepped.state;
    noSpeechProb = softmaxAt(stepped.result.logits.subarray(0, stepped.result.vocabSize), s.noSpeech);
    if (tail.length > 0) {
      stepped = await model.step(state, repeatRows(tail, nGroup), tail.length);
      state = stepped.state;
    }
    let logits = stepped.result.logits;
    const vocab = stepped.result.vocabSize;
    for (let i = 0; i < sampleLen; i++) {
      for (let r = 0; r < nGroup; r++) {
        const row = logits.subarray(r * vocab, (r + 1) * vocab);
        for (const f of filters) f.apply(row, rows[r]);
      }
      const update = decoder.update(rows, logits, vocab);
      if (update.completed || rows[0].length > config.maxTargetPositions) break;
      if (update.source !== undefined && !isIdentity(update.source)) {
        const reordered = state.reorder(update.source);
        state.dispose();
        state = reordered;
      }
      const last = new Int32Array(nGroup);
      for (let r = 0; r < nGroup; r++) last[r] = rows[r][rows[r].length - 1];
      stepped = await model.step(state, last, 1);
      state = stepped.state;
      logits = stepped.result.logits;
    }
  } finally {
    state.dispose();
  }

  const candidates = decoder.finalize(rows).map((c) => {
    const sampled = c.tokens.slice(sampleBegin);
    const end = sampled.indexOf(s.eot);
    return { tokens: end < 0 ? sampled : sampled.slice(0, end), sumLogprob: c.sumLogprob };
  });
  const best = rankCandidates(
    candidates.map((c) => c.sumLogprob),
    candidates.map((c) => c.tokens.length),
    options.lengthPenalty,
  );
  const chosen = candidates[best];
  const text = tokenizer.decode(chosen.tokens).trim();
  return {
    language,
    ...(languageDetection === undefined ? {} : { languageDetection }),
    tokens: chosen.tokens,
    text,
    sumLogprob: chosen.sumLogprob,
    avgLogprob: chosen.sumLogprob / (chosen.tokens.length + 1),
    noSpeechProb,
    temperature: options.temperature,
    compressionRatio: compressionRatio(text),
  };
}

function repeatRows(tokens: readonly number[], rows: number): Int32Array {
  const out = new Int32Array(tokens.length * rows);
  for (let r = 0; r < rows; r++) out.set(tokens, r * tokens.length);
  return out;
}

function isIdentity(source: Int32Array): boolean {
  for (let i = 0; i < source.length; i++) if (source[i] !== i) return false;
  return true;
}

/** softmax(logits)[index], in float64. */
function softmaxAt(logits: Float32Array, index: number): number {
  let max = -Infinity;
  for (let i = 0; i < logits.length; i++) if (logits[i] > max) max = logits[i];
  let total = 0;
  for (let i = 0; i < logits.length; i++) total += Math.exp(logits[i] - max);
  return Math.exp(logits[index] - max) / total;
}
