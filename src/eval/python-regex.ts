/**
 * Python `re` character-class semantics as JavaScript regex source, so that patterns ported
 * from openai/whisper's normalisers match the same text. On `str` patterns Python's `\s`, `\w`,
 * `\b` and `\d` are Unicode-aware, while JavaScript's `\b`/`\w`/`\d` stay ASCII even with the
 * `u` flag and its `\s` differs in a few code points.
 */

/**
 * Python's whitespace (`str.isspace`, `\s`, `str.split()`): JavaScript `\s` minus U+FEFF, plus
 * the information separators U+001C–U+001F and NEL U+0085; ref: CPython Objects/unicodetype_db.h
 * (`_PyUnicode_IsWhitespace`).
 */
export const PY_SPACE_CLASS =
  '[\\t-\\r\\x1c-\\x20\\x85\\xa0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000]';

/** Python's `\w` on `str`: letters, numbers (all `N*` categories) and the underscore. */
export const PY_WORD_CLASS = '[\\p{L}\\p{N}_]';

/** Python's `\b` on `str`: a position between a `\w` and a non-`\w` (or the text's edge). */
export const PY_WORD_BOUNDARY = `(?:(?<=${PY_WORD_CLASS})(?!${PY_WORD_CLASS})|(?<!${PY_WORD_CLASS})(?=${PY_WORD_CLASS}))`;

/** Python's `\d` on `str`: any Unicode decimal digit (category `Nd`). */
export const PY_DIGIT_CLASS = '\\p{Nd}';

/**
 * Builds a `u`-flag RegExp from a Python-syntax pattern, translating `\b`, `\s` and `\d` outside
 * character classes into their Python meaning. The patterns passed here never contain an escaped
 * backslash or these escapes inside `[...]`, which keeps the translation a plain token swap.
 */
export function pythonRegex(pattern: string, flags = 'gu'): RegExp {
  const source = pattern
    .replaceAll('\\b', PY_WORD_BOUNDARY)
    .replaceAll('\\s', PY_SPACE_CLASS)
    .replaceAll('\\d', PY_DIGIT_CLASS);
  return new RegExp(source, flags.includes('u') ? flags : `${flags}u`);
}

const PY_SPACE_RUN = new RegExp(`${PY_SPACE_CLASS}+`, 'u');
const PY_SPACE_EDGES = new RegExp(`^${PY_SPACE_CLASS}+|${PY_SPACE_CLASS}+$`, 'gu');

/** Python's `s.split()` with no separator: whitespace runs split, empty fields dropped. */
export function pythonSplit(s: string): string[] {
  const trimmed = s.replace(PY_SPACE_EDGES, '');
  return trimmed === '' ? [] : trimmed.split(PY_SPACE_RUN);
}

/** Python's `s.strip()` with no argument. */
export function pythonStrip(s: string): string {
  return s.replace(PY_SPACE_EDGES, '');
}
