/**
 * Which Whisper normaliser scores which language, as openai's evaluations do: English text goes
 * through `EnglishTextNormalizer`, every other language through `BasicTextNormalizer()` (keeping
 * diacritics, no letter splitting).
 */
import { createBasicTextNormalizer, type TextNormalizer } from './basic-text-normalizer.js';
import { normalizeEnglishText } from './english-text-normalizer.js';

const BASIC = createBasicTextNormalizer();

/** The normaliser for an ISO 639-1 code (or Whisper language name); unknown/absent → Basic. */
export function normalizerForLanguage(language: string | undefined): TextNormalizer {
  const code = language?.toLowerCase();
  return code === 'en' || code === 'english' ? normalizeEnglishText : BASIC;
}
