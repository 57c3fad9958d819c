import type { WhisperTokenizer } from '../../tokenizer/whisper-tokenizer.js';
import type { EncodedAudio, WhisperModel } from '../../whisper-model.js';
import type { TranscriptionWord } from '../transcription-result.js';
import { findAlignment } from './find-alignment.js';
import { APPEND_PUNCTUATIONS, PREPEND_PUNCTUATIONS, mergePunctuations } from './merge-punctuations.js';

/** A window segment that receives words (times in seconds from the file start; adjusted in place). */
export interface WordTimedSegment {
  start: number;
  end: number;
  readonly tokens: readonly number[];
  words?: TranscriptionWord[];
}

/** Inputs of {@link addWordTimestamps}. */
export interface AddWordTimestampsOptions {
  readonly language: string;
  readonly task: 'transcribe' | 'translate';
  /** Window start in seconds. */
  readonly timeOffsetSec: number;
  /** Content frames of the window. */
  readonly numFrames: number;
  /** End of the last word of the previous window, seconds. */
  readonly lastSpeechTimestampSec: number;
  readonly prependPunctuations?: string;
  readonly appendPunctuations?: string;
}

// openai timing.py: sentence-final marks whose words may be shortened to twice the median.
const SENTENCE_END_MARKS = '.。!！?？';
// openai caps the median word duration at 0.7 s (timing.py `add_word_timestamps`).
const MAX_MEDIAN_WORD_SEC = 0.7;

/**
 * Adds `words` to the segments of one window (openai's heuristics included: long words at
 * sentence and segment boundaries are clipped to twice the median word length, and segment
 * bounds move to the first/last word unless that word is implausibly long).
 * ref: openai/whisper whisper/timing.py@c0d2f62 (`add_word_timestamps`).
 */
export async function addWordTimestamps(
  model: WhisperModel,
  tokenizer: WhisperTokenizer,
  audio: EncodedAudio,
  segments: WordTimedSegment[],
  options: AddWordTimestampsOptions,
): Promise<void> {
  let lastSpeech = options.lastSpeechTimestampSec;
  if (segments.length === 0) return;
  const eot = tokenizer.special.eot;
  const perSegment = segments.map((s) => s.tokens.filter((t) => t < eot));
  const alignment = await findAlignment(model, tokenizer, audio, perSegment.flat(), {
    language: options.language,
    task: options.task,
    numFrames: options.numFrames,
  });
  const durations = alignment.map((t) => t.end - t.start).filter((d) => d !== 0);
  const medianDuration = Math.min(MAX_MEDIAN_WORD_SEC, durations.length > 0 ? median(durations) : 0);
  const maxDuration = medianDuration * 2;
  if (durations.length > 0) {
    for (let i = 1; i < alignment.length; i++) {
      const a = alignment[i];
      if (a.end - a.start > maxDuration) {
        if (SENTENCE_END_MARKS.includes(a.word)) a.end = a.start + maxDuration;
        else if (SENTENCE_END_MARKS.includes(alignment[i - 1].word)) a.start = a.end - maxDuration;
      }
    }
  }
  mergePunctuations(
    alignment,
    options.prependPunctuations ?? PREPEND_PUNCTUATIONS,
    options.appendPunctuations ?? APPEND_PUNCTUATIONS,
  );
  const offset = options.timeOffsetSec;
  let wordIndex = 0;
  for (let si = 0; si < segments.length; si++) {
    const segment = segments[si];
    let savedTokens = 0;
    const words: { word: string; start: number; end: number; probability: number }[] = [];
    while (wordIndex < alignment.length && savedTokens < perSegment[si].length) {
      const timing = alignment[wordIndex];
      if (timing.word !== '') {
        words.push({
          word: timing.word,
          start: round2(offset + timing.start),
          end: round2(offset + timing.end),
          probability: timing.probability,
        });
      }
      savedTokens += timing.tokens.length;
      wordIndex++;
    }
    if (words.length > 0) {
      const w0 = words[0];
      if (
        w0.end - lastSpeech > medianDuration * 4 &&
        (w0.end - w0.start > maxDuration || (words.length > 1 && words[1].end - w0.start > maxDuration * 2))
      ) {
        if (words.length > 1 && words[1].end - words[1].start > maxDuration) {
          const boundary = Math.max(words[1].end / 2, words[1].end - maxDuration);
          w0.end = words[1].start = boundary;
        }
        w0.start = Math.max(0, w0.end - maxDuration);
      }
      if (segment.start < w0.end && segment.start - 0.5 > w0.start) {
        w0.start = Math.max(0, Math.min(w0.end - medianDuration, segment.start));
      } else segment.start = w0.start;
      const wl = words[words.length - 1];
      if (segment.end > wl.start && segment.end + 0.5 < wl.end) {
        wl.end = Math.max(wl.start + medianDuration, segment.end);
      } else segment.end = wl.end;
      lastSpeech = segment.end;
    }
    segment.words = words;
  }
}

/** numpy.median: mean of the two middle values for an even count. */
function median(values: readonly number[]): number {
  const v = [...values].sort((a, b) => a - b);
  const m = v.length >> 1;
  return v.length % 2 === 1 ? v[m] : (v[m - 1] + v[m]) / 2;
}

/** Python round(x, 2) (banker's rounding differences at exact halves are below 1e-12 s here). */
function round2(x: number): number {
  return Math.round(x * 100) / 100;
}
