/**
 * Whisper's language-independent text normaliser, ported from openai/whisper
 * `whisper/normalizers/basic.py` `BasicTextNormalizer` (MIT, Copyright (c) 2022 OpenAI; see
 * ./README.md). openai's multilingual evaluations apply it to both reference and hypothesis
 * before WER/CER.
 */
import { AppError } from '../../shared/index.js';
import { pythonRegex } from '../python-regex.js';
import { removeSymbols, removeSymbolsAndDiacritics } from './remove-symbols.js';

/** Options of {@link createBasicTextNormalizer}; the defaults are upstream's. */
export interface BasicTextNormalizerOptions {
  /** NFKD and drop diacritics (é → e) instead of NFKC keeping them. Default false. */
  readonly removeDiacritics?: boolean;
  /** Put a space between grapheme clusters (for scripts written without spaces). Default false. */
  readonly splitLetters?: boolean;
  /** Keep `M*` marks instead of turning them into spaces; excludes `removeDiacritics`. Default false. */
  readonly preserveMarks?: boolean;
}

/** A text normaliser: a pure function from raw text to normalised text. */
export type TextNormalizer = (s: string) => string;

// Spans in angle or square brackets ("[music]", "<noise>") and in parentheses are non-speech
// annotations in many corpora and are deleted with their content.
export const BRACKETED_SPAN = /[<[][^>\]]*[>\]]/gu;
export const PARENTHESISED_SPAN = /\(([^)]+?)\)/gu;
const WHITESPACE_RUN = pythonRegex('\\s+');

/**
 * Returns upstream's `BasicTextNormalizer(remove_diacritics, split_letters, preserve_marks)`:
 * lower-case → delete bracketed and parenthesised spans → symbol removal (see
 * `removeSymbols` / `removeSymbolsAndDiacritics`) → lower-case → optional grapheme split →
 * collapse whitespace runs to one space. Like upstream, leading/trailing spaces are not stripped.
 * @throws AppError REQUEST_INVALID when `removeDiacritics` and `preserveMarks` are both set
 */
export function createBasicTextNormalizer(options: BasicTextNormalizerOptions = {}): TextNormalizer {
  const removeDiacritics = options.removeDiacritics ?? false;
  const preserveMarks = options.preserveMarks ?? false;
  const splitLetters = options.splitLetters ?? false;
  if (removeDiacritics && preserveMarks) {
    throw new AppError(
      'REQUEST_INVALID',
      'Cannot build a normaliser: preserveMarks excludes removeDiacritics',
    );
  }
  const clean = removeDiacritics
    ? (s: string) => removeSymbolsAndDiacritics(s)
    : (s: string) => removeSymbols(s, preserveMarks);
  const segmenter = splitLetters ? new Intl.Segmenter('und', { granularity: 'grapheme' }) : undefined;
  return (input: string): string => {
    let s = input.toLowerCase();
    s = s.replace(BRACKETED_SPAN, '');
    s = s.replace(PARENTHESISED_SPAN, '');
    s = clean(s).toLowerCase();
    if (segmenter !== undefined) {
      // Python `regex` `\X` (extended grapheme clusters), joined by spaces.
      const clusters: string[] = [];
      for (const { segment } of segmenter.segment(s)) clusters.push(segment);
      s = clusters.join(' ');
    }
    return s.replace(WHITESPACE_RUN, ' ');
  };
}
