/**
 * Symbol and diacritic removal of Whisper's text normalisers, ported from openai/whisper
 * `whisper/normalizers/basic.py` (MIT, Copyright (c) 2022 OpenAI; see ./README.md).
 * Characters are visited by code point, as Python iterates a `str`.
 */

// Non-ASCII letters that NFKD does not decompose into base letter + combining mark; the
// lower-case thorn maps to "th" and the upper-case one also to "th", as upstream does.
const ADDITIONAL_DIACRITICS: ReadonlyMap<string, string> = new Map([
  ['œ', 'oe'],
  ['Œ', 'OE'],
  ['ø', 'o'],
  ['Ø', 'O'],
  ['æ', 'ae'],
  ['Æ', 'AE'],
  ['ß', 'ss'],
  ['ẞ', 'SS'],
  ['đ', 'd'],
  ['Đ', 'D'],
  ['ð', 'd'],
  ['Ð', 'D'],
  ['þ', 'th'],
  ['Þ', 'th'],
  ['ł', 'l'],
  ['Ł', 'L'],
]);

// Every character the diacritics pass may change: marks, symbols, punctuation, and the letters
// above. Anything else passes through untouched.
const DIACRITICS_CANDIDATE = /[\p{M}\p{S}\p{P}œŒøØæÆßẞđĐðÐþÞłŁ]/gu;
const NONSPACING_MARK = /^\p{Mn}$/u;
const MARK_SYMBOL_PUNCTUATION = /[\p{M}\p{S}\p{P}]/gu;
const SYMBOL_PUNCTUATION = /[\p{S}\p{P}]/gu;

/**
 * NFKD, then: characters in `keep` stay; œ æ ø ß đ ð þ ł (and capitals) are spelled out;
 * non-spacing marks (`Mn`) are dropped; any other mark, symbol or punctuation (`M*`, `S*`, `P*`)
 * becomes a space. Upstream `remove_symbols_and_diacritics(s, keep)`.
 */
export function removeSymbolsAndDiacritics(s: string, keep = ''): string {
  return s.normalize('NFKD').replace(DIACRITICS_CANDIDATE, (c) => {
    if (keep.includes(c)) return c;
    const spelled = ADDITIONAL_DIACRITICS.get(c);
    if (spelled !== undefined) return spelled;
    return NONSPACING_MARK.test(c) ? '' : ' ';
  });
}

/**
 * NFKC, then every mark, symbol or punctuation character (`M*`, `S*`, `P*`) becomes a space,
 * keeping diacritics as precomposed letters. With `preserveMarks`, marks (`M*`) are kept, which
 * matters for scripts whose vowel signs are marks (Devanagari, Thai, …). Upstream
 * `remove_symbols(s, preserve_marks)`.
 */
export function removeSymbols(s: string, preserveMarks = false): string {
  return s.normalize('NFKC').replace(preserveMarks ? SYMBOL_PUNCTUATION : MARK_SYMBOL_PUNCTUATION, ' ');
}
