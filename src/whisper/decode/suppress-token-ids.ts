import type { WhisperTokenizer } from '../tokenizer/whisper-tokenizer.js';

/**
 * The ids masked at every step: the requested list, where −1 stands for the non-speech symbol
 * tokens, plus the task/control tokens and <|nospeech|>, sorted and unique.
 * ref: openai/whisper whisper/decoding.py@c0d2f62 (`DecodingTask._get_suppress_tokens`).
 * @param requested openai's `suppress_tokens` (default `[-1]`); empty = only the control tokens.
 */
export function suppressTokenIds(tokenizer: WhisperTokenizer, requested: readonly number[]): number[] {
  const s = tokenizer.special;
  const ids = new Set(requested.filter((t) => t >= 0 && t < s.vocabSize));
  if (requested.includes(-1)) for (const t of tokenizer.nonSpeechTokens) ids.add(t);
  for (const t of [s.transcribe, s.translate, s.sot, s.startOfPrev, s.startOfLm, s.noSpeech]) ids.add(t);
  return [...ids].sort((a, b) => a - b);
}
