import { AppError } from '../../shared/index.js';
import { WHISPER_LANGUAGES } from './whisper-languages.js';

/** Timestamp tokens `<|0.00|>` … `<|30.00|>` in every Whisper vocabulary. */
export const TIMESTAMP_TOKEN_COUNT = 1501;
/** Seconds per timestamp token step (one encoder position). */
export const SECONDS_PER_TIMESTAMP = 0.02;

/** Ids of Whisper's special tokens for one vocabulary size. */
export interface WhisperSpecialTokens {
  readonly vocabSize: number;
  readonly isMultilingual: boolean;
  /** 99 (v1/v2, .en) or 100 (v3). */
  readonly numLanguages: number;
  /** `<|endoftext|>` = number of BPE ranks. */
  readonly eot: number;
  readonly sot: number;
  /** `<|en|>`; language i is `firstLanguage + i`. */
  readonly firstLanguage: number;
  readonly translate: number;
  readonly transcribe: number;
  readonly startOfLm: number;
  readonly startOfPrev: number;
  readonly noSpeech: number;
  readonly noTimestamps: number;
  /** `<|0.00|>`; every id ≥ this is a timestamp. */
  readonly timestampBegin: number;
}

// openai model.py: n_vocab = 51865 for v1/v2 multilingual; 51765 = 50256 ranks + 1509 fixed specials.
const VOCAB_WITHOUT_LANGUAGES = 51_765;

/**
 * Derives the special-token layout from `vocab_size` exactly as openai does:
 * `is_multilingual = vocab >= 51865`, `num_languages = vocab − 51765 − is_multilingual`, then the
 * specials follow the ranks in the order eot, sot, languages, translate, transcribe, startoflm,
 * startofprev, nospeech, notimestamps, 1501 timestamps.
 * ref: openai/whisper whisper/model.py, tokenizer.py@c0d2f62 (`get_encoding`); reference §3.2.
 * @throws AppError TOKENIZER_INVALID when the size matches no Whisper layout.
 */
export function whisperSpecialTokens(vocabSize: number): WhisperSpecialTokens {
  const isMultilingual = vocabSize >= 51_865;
  const numLanguages = vocabSize - VOCAB_WITHOUT_LANGUAGES - (isMultilingual ? 1 : 0);
  if (!Number.isInteger(vocabSize) || numLanguages < 1 || numLanguages > WHISPER_LANGUAGES.length) {
    throw new AppError(
      'TOKENIZER_INVALID',
      `Cannot derive Whisper special tokens: vocab_size ${vocabSize} is not 51864, 51865 or 51866`,
    );
  }
  const eot = isMultilingual ? 50_257 : 50_256;
  const sot = eot + 1;
  const firstLanguage = sot + 1;
  const translate = firstLanguage + numLanguages;
  return {
    vocabSize,
    isMultilingual,
    numLanguages,
    eot,
    sot,
    firstLanguage,
    translate,
    transcribe: translate + 1,
    startOfLm: translate + 2,
    startOfPrev: translate + 3,
    noSpeech: translate + 4,
    noTimestamps: translate + 5,
    timestampBegin: translate + 6,
  };
}

/** Display name of timestamp index i: `<|0.00|>` … (Python `f"{i*0.02:.2f}"`, checked equal to toFixed). */
export function timestampTokenName(index: number): string {
  return `<|${(index * SECONDS_PER_TIMESTAMP).toFixed(2)}|>`;
}

/** Names of the non-timestamp specials in id order starting at `eot` (HF added-token contents). */
export function specialTokenNames(tokens: WhisperSpecialTokens): string[] {
  const names = ['<|endoftext|>', '<|startoftranscript|>'];
  for (let i = 0; i < tokens.numLanguages; i++) names.push(`<|${WHISPER_LANGUAGES[i][0]}|>`);
  names.push(
    '<|translate|>',
    '<|transcribe|>',
    '<|startoflm|>',
    '<|startofprev|>',
    '<|nospeech|>',
    '<|notimestamps|>',
  );
  return names;
}
