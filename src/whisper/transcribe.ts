import {
  logMelLongForm,
  melWindowInto,
  type EnergyVadOptions,
  type WhisperMelCount,
} from '../audio/index.js';
import { AppError, WHISPER_HOP_LENGTH_SAMPLES, WHISPER_SAMPLE_RATE_HZ } from '../shared/index.js';
import { detectLanguage } from './decode/detect-language.js';
import { seededRandom } from './decode/seeded-random.js';
import type { WhisperTask, WhisperTokenizer } from './tokenizer/whisper-tokenizer.js';
import { toLanguageCode } from './tokenizer/whisper-languages.js';
import { decodeWithFallback } from './transcribe/decode-with-fallback.js';
import { splitWindowSegments } from './transcribe/split-window-segments.js';
import { planChunks, speechRegions, transcribeChunks } from './transcribe/vad-chunks.js';
import type {
  TranscriptionResult,
  TranscriptionSegment,
  TranscriptionWord,
} from './transcribe/transcription-result.js';
import { addWordTimestamps, type WordTimedSegment } from './transcribe/word-timing/add-word-timestamps.js';
import type { WhisperModel } from './whisper-model.js';

/** Options of {@link transcribe}; defaults are openai `transcribe()`'s. */
export interface TranscribeOptions {
  /** Language code or name; undefined or 'auto' = detect from the first window. */
  readonly language?: string | undefined;
  /** 'transcribe' (default) or 'translate' (to English). */
  readonly task?: WhisperTask | undefined;
  /** Temperature schedule for the fallback (default 0, 0.2, …, 1.0). */
  readonly temperature?: number | readonly number[] | undefined;
  /** Default 2.4; null = off. */
  readonly compressionRatioThreshold?: number | null | undefined;
  /** Default −1.0; null = off. */
  readonly logprobThreshold?: number | null | undefined;
  /** Default 0.6; null = off. */
  readonly noSpeechThreshold?: number | null | undefined;
  /**
   * Feed the previous windows' text as the prompt. Default: the model's generation_config
   * `condition_on_prev_tokens` when it has one, else true (openai's default).
   */
  readonly conditionOnPreviousText?: boolean | undefined;
  /** Text that conditions the first window (vocabulary, style). */
  readonly initialPrompt?: string | undefined;
  /** Word-level timings from cross-attention DTW (default false). */
  readonly wordTimestamps?: boolean | undefined;
  readonly prependPunctuations?: string | undefined;
  readonly appendPunctuations?: string | undefined;
  /** Beam width at temperature 0 (default greedy). */
  readonly beamSize?: number | undefined;
  /** Samples per window at temperature > 0 (default 1). */
  readonly bestOf?: number | undefined;
  readonly patience?: number | undefined;
  readonly lengthPenalty?: number | undefined;
  /** Sampled tokens per window (default maxTargetPositions / 2). */
  readonly maxNewTokens?: number | undefined;
  /** Text only: no timestamp tokens (segments then span whole windows). */
  readonly withoutTimestamps?: boolean | undefined;
  /** openai `suppress_tokens` (default [-1]). */
  readonly suppressTokens?: readonly number[] | undefined;
  readonly suppressBlank?: boolean | undefined;
  /**
   * What fills a window past the end of the audio: 'silence' (default) = the log-mel of digital
   * silence, as when the audio is zero-padded (HF/transformers.js short-form, and how Whisper
   * models are trained); 'zeros' = log-mel value 0.0, openai transcribe.py's long-form
   * `pad_or_trim(mel_segment)`.
   */
  readonly windowPadding?: 'silence' | 'zeros' | undefined;
  /**
   * Cut the recording at pauses first (energy VAD; options, or true for its defaults): speech
   * regions, padded by 0.2 s, merged into chunks of at most one model window, each transcribed on
   * its own (the seek loop inside a chunk, no text carried between chunks) with the first chunk's
   * language. Default false: openai's sequential seek loop over the whole file.
   */
  readonly vad?: boolean | EnergyVadOptions | undefined;
  /** Seed of the sampling PRNG (default 0: reproducible). */
  readonly seed?: number | undefined;
  /** Called after each window with seconds done and total. */
  readonly onProgress?: ((doneSec: number, totalSec: number) => void) | undefined;
  /** Stops between windows with the signal's reason. */
  readonly signal?: AbortSignal | undefined;
}

const DEFAULT_TEMPERATURES = [0, 0.2, 0.4, 0.6, 0.8, 1.0];
// openai transcribe.py: prompts are dropped after a window decoded hotter than this.
const PROMPT_RESET_TEMPERATURE = 0.5;
const SECONDS_PER_FRAME = WHISPER_HOP_LENGTH_SAMPLES / WHISPER_SAMPLE_RATE_HZ;
/** Margin kept before and after each VAD region, so that word onsets and tails are not cut. */
const VAD_PAD_SAMPLES = Math.round(0.2 * WHISPER_SAMPLE_RATE_HZ);

/**
 * Transcribes (or translates to English) 16 kHz mono audio of any length with openai's
 * sequential long-form algorithm: windows of `config.windowFrames` mel frames, temperature
 * fallback, no-speech skipping, prompt conditioning, seeking by the last timestamp, optional
 * word timings.
 * ref: openai/whisper whisper/transcribe.py@c0d2f62 (`transcribe`).
 * @throws AppError REQUEST_INVALID for an unknown or unsupported language.
 */
export async function transcribe(
  model: WhisperModel,
  tokenizer: WhisperTokenizer,
  pcm16k: Float32Array,
  options: TranscribeOptions = {},
): Promise<TranscriptionResult> {
  if (options.vad !== undefined && options.vad !== false) {
    const vadOptions = options.vad === true ? {} : options.vad;
    const chunks = planChunks(
      speechRegions(pcm16k, vadOptions),
      pcm16k.length,
      model.config.windowSamples,
      VAD_PAD_SAMPLES,
    );
    return transcribeChunks(
      pcm16k,
      chunks,
      (pcm, language) =>
        transcribe(model, tokenizer, pcm, {
          ...options,
          vad: false,
          onProgress: undefined,
          language: language ?? options.language,
        }),
      options.onProgress,
    );
  }
  const config = model.config;
  const s = tokenizer.special;
  const task = options.task ?? 'transcribe';
  const conditionOnPreviousText = options.conditionOnPreviousText ?? config.conditionOnPreviousText ?? true;
  const windowFrames = config.windowFrames;
  const inputStride = windowFrames / config.maxSourcePositions;
  const contentFrames = Math.floor(pcm16k.length / WHISPER_HOP_LENGTH_SAMPLES);
  const padding = options.windowPadding ?? 'silence';
  let melInput = pcm16k;
  if (padding === 'silence') {
    // One window of digital silence after the audio: the last window's tail then holds the
    // log-mel of silence (clamped at the file's max − 8), as a model trained on zero-padded
    // audio saw it.
    melInput = new Float32Array(pcm16k.length + config.windowSamples);
    melInput.set(pcm16k);
  }
  const mel = logMelLongForm(melInput, { nMels: config.numMelBins as WhisperMelCount });
  const durationSec = pcm16k.length / WHISPER_SAMPLE_RATE_HZ;
  const temperatures =
    options.temperature === undefined
      ? DEFAULT_TEMPERATURES
      : typeof options.temperature === 'number'
        ? [options.temperature]
        : options.temperature;
  const thresholds = {
    compressionRatioThreshold:
      options.compressionRatioThreshold === undefined ? 2.4 : options.compressionRatioThreshold,
    logprobThreshold: options.logprobThreshold === undefined ? -1.0 : options.logprobThreshold,
    noSpeechThreshold: options.noSpeechThreshold === undefined ? 0.6 : options.noSpeechThreshold,
  };
  let language: string | undefined;
  if (options.language !== undefined && options.language !== 'auto') {
    language = toLanguageCode(options.language);
    if (language === undefined)
      throw new AppError('REQUEST_INVALID', `Cannot transcribe: unknown language "${options.language}"`);
    tokenizer.languageToken(language); // throws when the vocabulary lacks it
  } else if (!s.isMultilingual) language = 'en';
  let languageProbability: number | undefined;

  const random = seededRandom(options.seed ?? 0);
  const windowMel = new Float32Array(config.numMelBins * windowFrames);
  const allTokens: number[] = [];
  const segments: TranscriptionSegment[] = [];
  let promptResetSince = 0;
  const initialPromptTokens =
    options.initialPrompt === undefined || options.initialPrompt.trim() === ''
      ? []
      : tokenizer.encode(' ' + options.initialPrompt.trim());
  allTokens.push(...initialPromptTokens);
  let lastSpeechTimestamp = 0;
  let seek = 0;
  while (seek < contentFrames) {
    options.signal?.throwIfAborted();
    const timeOffset = seek * SECONDS_PER_FRAME;
    const segmentFrames = Math.min(windowFrames, contentFrames - seek);
    // 'silence': frames past the content come from the silence appended above; 'zeros': the
    // mel ends with the content and melWindowInto pads 0.0 (openai pad_or_trim on the slice).
    melWindowInto(windowMel, mel, seek, windowFrames);
    const audio = await model.encode(windowMel, 1);
    try {
      if (language === undefined) {
        const detected = await detectLanguage(model, tokenizer, audio);
        language = detected.language;
        languageProbability = detected.probability;
      }
      const result = await decodeWithFallback(
        model,
        tokenizer,
        audio,
        temperatures,
        {
          task,
          language,
          maxNewTokens: options.maxNewTokens,
          bestOf: options.bestOf,
          beamSize: options.beamSize,
          patience: options.patience,
          lengthPenalty: options.lengthPenalty,
          promptTokens: allTokens.slice(promptResetSince),
          suppressTokens: options.suppressTokens,
          suppressBlank: options.suppressBlank,
          withoutTimestamps: options.withoutTimestamps,
          random,
        },
        thresholds,
      );
      if (thresholds.noSpeechThreshold !== null) {
        let shouldSkip = result.noSpeechProb > thresholds.noSpeechThreshold;
        if (thresholds.logprobThreshold !== null && result.avgLogprob > thresholds.logprobThreshold)
          shouldSkip = false;
        if (shouldSkip) {
          seek += segmentFrames;
          options.onProgress?.(
            Math.min(seek, contentFrames) * SECONDS_PER_FRAME,
            contentFrames * SECONDS_PER_FRAME,
          );
          continue;
        }
      }
      const split = splitWindowSegments(result.tokens, {
        timestampBegin: s.timestampBegin,
        seekFrames: seek,
        segmentFrames,
        inputStrideFrames: inputStride,
        secondsPerFrame: SECONDS_PER_FRAME,
      });
      const current: (WordTimedSegment & { tokens: number[] })[] = split.segments;
      let nextSeek = split.nextSeekFrames;
      if (options.wordTimestamps === true) {
        await addWordTimestamps(model, tokenizer, audio, current, {
          language,
          task,
          timeOffsetSec: timeOffset,
          numFrames: segmentFrames,
          lastSpeechTimestampSec: lastSpeechTimestamp,
          ...(options.prependPunctuations === undefined
            ? {}
            : { prependPunctuations: options.prependPunctuations }),
          ...(options.appendPunctuations === undefined
            ? {}
            : { appendPunctuations: options.appendPunctuations }),
        });
        const lastWordEnd = lastEnd(current);
        if (!split.singleTimestampEnding && lastWordEnd !== undefined && lastWordEnd > timeOffset) {
          nextSeek = Math.round(lastWordEnd / SECONDS_PER_FRAME);
        }
        if (lastWordEnd !== undefined) lastSpeechTimestamp = lastWordEnd;
      }
      for (const seg of current) {
        let text = tokenizer.decode(seg.tokens.filter((t) => t < s.eot));
        let tokens = seg.tokens;
        let words = seg.words;
        if (seg.start === seg.end || text.trim() === '') {
          text = '';
          tokens = [];
          words = [];
        }
        segments.push({
          id: segments.length,
          seek,
          start: seg.start,
          end: seg.end,
          text,
          tokens,
          temperature: result.temperature,
          avgLogprob: result.avgLogprob,
          compressionRatio: result.compressionRatio,
          noSpeechProb: result.noSpeechProb,
          ...(options.wordTimestamps === true ? { words: (words ?? []) as TranscriptionWord[] } : {}),
        });
        allTokens.push(...tokens);
      }
      if (!conditionOnPreviousText || result.temperature > PROMPT_RESET_TEMPERATURE) {
        promptResetSince = allTokens.length;
      }
      seek = Math.max(nextSeek, seek + 1); // never stall, even on a degenerate backend
    } finally {
      audio.dispose();
    }
    options.onProgress?.(
      Math.min(seek, contentFrames) * SECONDS_PER_FRAME,
      contentFrames * SECONDS_PER_FRAME,
    );
  }
  return {
    text: tokenizer.decode(allTokens.slice(initialPromptTokens.length).filter((t) => t < s.eot)).trim(),
    language: language ?? 'en',
    ...(languageProbability === undefined ? {} : { languageProbability }),
    segments,
    durationSec,
  };
}

/** End of the last word of the last segment with words, else the last segment's end (openai `get_end`). */
function lastEnd(segments: readonly WordTimedSegment[]): number | undefined {
  for (let i = segments.length - 1; i >= 0; i--) {
    const words = segments[i].words ?? [];
    if (words.length > 0) return words[words.length - 1].end;
  }
  return segments.length > 0 ? segments[segments.length - 1].end : undefined;
}
