/**
 * Whisper's English text normaliser, ported from openai/whisper `whisper/normalizers/english.py`
 * `EnglishTextNormalizer` (MIT, Copyright (c) 2022 OpenAI; see ./README.md). openai's English
 * WER figures (LibriSpeech etc.) are computed after applying it to reference and hypothesis.
 */
import { BRACKETED_SPAN, PARENTHESISED_SPAN } from './basic-text-normalizer.js';
import { normalizeEnglishNumbers } from './english-number-normalizer.js';
import { normalizeEnglishSpelling } from './english-spelling-normalizer.js';
import { pythonRegex } from '../python-regex.js';
import { removeSymbolsAndDiacritics } from './remove-symbols.js';

const FILLER_WORDS = pythonRegex('\\b(hmm|mm|mhm|mmm|uh|um)\\b');
const SPACE_BEFORE_APOSTROPHE = pythonRegex("\\s+'");

// Applied in this order (upstream's dict order matters: "won't" before "n't", titles before "'s").
const REPLACERS: readonly (readonly [RegExp, string])[] = (
  [
    // common contractions
    ["\\bwon't\\b", 'will not'],
    ["\\bcan't\\b", 'can not'],
    ["\\blet's\\b", 'let us'],
    ["\\bain't\\b", 'aint'],
    ["\\by'all\\b", 'you all'],
    ['\\bwanna\\b', 'want to'],
    ['\\bgotta\\b', 'got to'],
    ['\\bgonna\\b', 'going to'],
    ["\\bi'ma\\b", 'i am going to'],
    ['\\bimma\\b', 'i am going to'],
    ['\\bwoulda\\b', 'would have'],
    ['\\bcoulda\\b', 'could have'],
    ['\\bshoulda\\b', 'should have'],
    ["\\bma'am\\b", 'madam'],
    // contractions in titles/prefixes
    ['\\bmr\\b', 'mister '],
    ['\\bmrs\\b', 'missus '],
    ['\\bst\\b', 'saint '],
    ['\\bdr\\b', 'doctor '],
    ['\\bprof\\b', 'professor '],
    ['\\bcapt\\b', 'captain '],
    ['\\bgov\\b', 'governor '],
    ['\\bald\\b', 'alderman '],
    ['\\bgen\\b', 'general '],
    ['\\bsen\\b', 'senator '],
    ['\\brep\\b', 'representative '],
    ['\\bpres\\b', 'president '],
    ['\\brev\\b', 'reverend '],
    ['\\bhon\\b', 'honorable '],
    ['\\basst\\b', 'assistant '],
    ['\\bassoc\\b', 'associate '],
    ['\\blt\\b', 'lieutenant '],
    ['\\bcol\\b', 'colonel '],
    ['\\bjr\\b', 'junior '],
    ['\\bsr\\b', 'senior '],
    ['\\besq\\b', 'esquire '],
    // perfect tenses (upstream: "'s done" is ambiguous, so it is left to the general rule)
    ["'d been\\b", ' had been'],
    ["'s been\\b", ' has been'],
    ["'d gone\\b", ' had gone'],
    ["'s gone\\b", ' has gone'],
    ["'d done\\b", ' had done'],
    ["'s got\\b", ' has got'],
    // general contractions
    ["n't\\b", ' not'],
    ["'re\\b", ' are'],
    ["'s\\b", ' is'],
    ["'d\\b", ' would'],
    ["'ll\\b", ' will'],
    ["'t\\b", ' not'],
    ["'ve\\b", ' have'],
    ["'m\\b", ' am'],
  ] as const
).map(([pattern, replacement]) => [pythonRegex(pattern), replacement] as const);

const COMMA_BETWEEN_DIGITS = pythonRegex('(\\d),(\\d)');
const PERIOD_NOT_BEFORE_DIGIT = /\.([^0-9]|$)/gu;
const CURRENCY_THEN_SPACE = pythonRegex('([$¢€£])\\s+([0-9])');
const SPACE_THEN_PERCENT = pythonRegex('([0-9])\\s+%');
const STRAY_CURRENCY_OR_PERIOD = /[.$¢€£]([^0-9])/gu;
const STRAY_PERCENT = /([^0-9])%/gu;
const WHITESPACE_RUN = pythonRegex('\\s+');

/**
 * Normalises English text as openai/whisper's `EnglishTextNormalizer()` does: lower-case; drop
 * bracketed/parenthesised spans and fillers (hmm, um, uh …); expand contractions and titles
 * ("won't" → "will not", "mr" → "mister"); drop commas inside numbers and periods not before a
 * digit; NFKD, drop diacritics, turn symbols/punctuation except `.%$¢€£` into spaces; spelled
 * numbers → digits; British → American spelling; attach `$¢€£` / `%` to their numbers and drop the
 * stray ones; collapse whitespace. E.g. "Mr. Park visited Assoc. Prof. Kim Jr." → "mister park
 * visited associate professor kim junior".
 */
export function normalizeEnglishText(input: string): string {
  let s = input.toLowerCase();
  s = s.replace(BRACKETED_SPAN, '');
  s = s.replace(PARENTHESISED_SPAN, '');
  s = s.replace(FILLER_WORDS, '');
  s = s.replace(SPACE_BEFORE_APOSTROPHE, "'");
  for (const [pattern, replacement] of REPLACERS) s = s.replace(pattern, replacement);
  s = s.replace(COMMA_BETWEEN_DIGITS, '$1$2');
  s = s.replace(PERIOD_NOT_BEFORE_DIGIT, ' $1');
  s = removeSymbolsAndDiacritics(s, '.%$¢€£');
  s = normalizeEnglishNumbers(s);
  s = normalizeEnglishSpelling(s);
  s = s.replace(CURRENCY_THEN_SPACE, '$1$2');
  s = s.replace(SPACE_THEN_PERCENT, '$1%');
  s = s.replace(STRAY_CURRENCY_OR_PERIOD, ' $1');
  s = s.replace(STRAY_PERCENT, '$1 ');
  return s.replace(WHITESPACE_RUN, ' ');
}
