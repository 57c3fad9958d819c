/**
 * British → American spelling, ported from openai/whisper `whisper/normalizers/english.py`
 * `EnglishSpellingNormalizer` (MIT, Copyright (c) 2022 OpenAI; see ./README.md). The 1739 pairs in
 * `english.json` are upstream's file, byte for byte (sha256 6607f948…2465).
 */
import spellings from './english.json' with { type: 'json' };
import { pythonSplit } from '../python-regex.js';

// A Map, not the parsed object: a word such as "constructor" must not hit Object.prototype.
const BRITISH_TO_AMERICAN: ReadonlyMap<string, string> = new Map(
  Object.entries(spellings as Record<string, string>),
);

/** Replaces each whitespace-separated word found in the map ("mobilisation" → "mobilization"); words are re-joined with single spaces. */
export function normalizeEnglishSpelling(s: string): string {
  return pythonSplit(s)
    .map((word) => BRITISH_TO_AMERICAN.get(word) ?? word)
    .join(' ');
}

/** Number of British → American pairs (1739 upstream). */
export const ENGLISH_SPELLING_PAIR_COUNT = BRITISH_TO_AMERICAN.size;
