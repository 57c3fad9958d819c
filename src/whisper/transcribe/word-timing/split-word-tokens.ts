import type { WhisperTokenizer } from '../../tokenizer/whisper-tokenizer.js';
import { NO_SPACE_LANGUAGES } from '../../tokenizer/whisper-languages.js';

/** Words and the tokens of each. */
export interface WordTokens {
  readonly words: string[];
  readonly tokens: number[][];
}

// Python's string.punctuation.
const ASCII_PUNCTUATION = '!"#$%&\'()*+,-./:;<=>?@[\\]^_`{|}~';

/**
 * Splits tokens into words: at every point where the bytes decode to whole characters for
 * languages written without spaces (zh, ja, th, lo, my, yue), else at tokens starting with a
 * space, punctuation or a special token.
 * ref: openai/whisper whisper/tokenizer.py@c0d2f62 (`split_to_word_tokens`, `split_tokens_on_unicode`,
 * `split_tokens_on_spaces`).
 */
export function splitWordTokens(
  tokenizer: WhisperTokenizer,
  tokens: readonly number[],
  language: string,
): WordTokens {
  if (NO_SPACE_LANGUAGES.has(language)) return splitOnUnicode(tokenizer, tokens);
  const sub = splitOnUnicode(tokenizer, tokens);
  const words: string[] = [];
  const wordTokens: number[][] = [];
  for (let k = 0; k < sub.words.length; k++) {
    const subword = sub.words[k];
    const special = sub.tokens[k][0] >= tokenizer.special.eot;
    const withSpace = subword.startsWith(' ');
    const punctuation = ASCII_PUNCTUATION.includes(subword.trim()); // Python `in` on a string: substring
    if (special || withSpace || punctuation || words.length === 0) {
      words.push(subword);
      wordTokens.push([...sub.tokens[k]]);
    } else {
      words[words.length - 1] += subword;
      wordTokens[wordTokens.length - 1].push(...sub.tokens[k]);
    }
  }
  return { words, tokens: wordTokens };
}

function splitOnUnicode(tokenizer: WhisperTokenizer, tokens: readonly number[]): WordTokens {
  const full = tokenizer.decodeWithTimestamps(tokens);
  const words: string[] = [];
  const wordTokens: number[][] = [];
  let current: number[] = [];
  let offset = 0;
  for (const t of tokens) {
    current.push(t);
    const decoded = tokenizer.decodeWithTimestamps(current);
    const bad = decoded.indexOf('\uFFFD');
    if (bad < 0 || full[offset + bad] === '\uFFFD') {
      words.push(decoded);
      wordTokens.push(current);
      current = [];
      offset += decoded.length;
    }
  }
  return { words, tokens: wordTokens };
}
