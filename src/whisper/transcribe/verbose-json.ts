import type { WhisperTask } from '../tokenizer/whisper-tokenizer.js';
import { WHISPER_LANGUAGES } from '../tokenizer/whisper-languages.js';
import type { TranscriptionResult } from './transcription-result.js';

/** OpenAI's `verbose_json` response body (snake_case, language as an English name). */
export interface VerboseJson {
  readonly task: WhisperTask;
  readonly language: string;
  readonly duration: number;
  readonly text: string;
  readonly segments: readonly {
    readonly id: number;
    readonly seek: number;
    readonly start: number;
    readonly end: number;
    readonly text: string;
    readonly tokens: readonly number[];
    readonly temperature: number;
    readonly avg_logprob: number;
    readonly compression_ratio: number;
    readonly no_speech_prob: number;
  }[];
  /** With word timestamps: every word, trimmed, file-relative seconds. */
  readonly words?: readonly { readonly word: string; readonly start: number; readonly end: number }[];
}

/**
 * The OpenAI audio API's `verbose_json` for a result (what `/v1/audio/transcriptions` returns
 * with `response_format=verbose_json`).
 */
export function toVerboseJson(result: TranscriptionResult, task: WhisperTask): VerboseJson {
  const name = WHISPER_LANGUAGES.find(([code]) => code === result.language)?.[1] ?? result.language;
  const hasWords = result.segments.some((s) => s.words !== undefined);
  return {
    task,
    language: name,
    duration: result.durationSec,
    text: result.text,
    segments: result.segments.map((s) => ({
      id: s.id,
      seek: s.seek,
      start: s.start,
      end: s.end,
      text: s.text,
      tokens: s.tokens,
      temperature: s.temperature,
      avg_logprob: s.avgLogprob,
      compression_ratio: s.compressionRatio,
      no_speech_prob: s.noSpeechProb,
    })),
    ...(hasWords
      ? {
          words: result.segments.flatMap((s) =>
            (s.words ?? []).map((w) => ({ word: w.word.trim(), start: w.start, end: w.end })),
          ),
        }
      : {}),
  };
}
