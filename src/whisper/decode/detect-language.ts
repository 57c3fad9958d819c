import type { EncodedAudio, WhisperModel } from '../whisper-model.js';
import type { WhisperTokenizer } from '../tokenizer/whisper-tokenizer.js';

/** Detected language and the distribution over the vocabulary's languages. */
export interface LanguageDetection {
  readonly language: string;
  readonly probability: number;
  /** Code → probability, for every language token of the vocabulary. */
  readonly probabilities: Readonly<Record<string, number>>;
}

/**
 * Runs the decoder on `[<|startoftranscript|>]` alone and takes the softmax over the language
 * tokens' logits at that position (every other token masked), argmax = the language.
 * English-only vocabularies answer "en" without running the model.
 * ref: openai/whisper whisper/decoding.py@c0d2f62 (`detect_language`); reference §4.4.
 */
export async function detectLanguage(
  model: WhisperModel,
  tokenizer: WhisperTokenizer,
  audio: EncodedAudio,
): Promise<LanguageDetection> {
  const s = tokenizer.special;
  if (!s.isMultilingual) return { language: 'en', probability: 1, probabilities: { en: 1 } };
  const state = model.startDecoder(audio, 1);
  const { result, state: next } = await model.step(state, Int32Array.of(s.sot), 1);
  next.dispose();
  const codes = tokenizer.languageCodes;
  const logits = result.logits.subarray(0, result.vocabSize);
  let max = -Infinity;
  for (let i = 0; i < codes.length; i++) max = Math.max(max, logits[s.firstLanguage + i]);
  let total = 0;
  const weights = new Float64Array(codes.length);
  for (let i = 0; i < codes.length; i++) {
    weights[i] = Math.exp(logits[s.firstLanguage + i] - max);
    total += weights[i];
  }
  const probabilities: Record<string, number> = {};
  let best = 0;
  for (let i = 0; i < codes.length; i++) {
    probabilities[codes[i]] = weights[i] / total;
    if (weights[i] > weights[best]) best = i;
  }
  return { language: codes[best], probability: weights[best] / total, probabilities };
}
