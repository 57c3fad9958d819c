/** TEST helper: the multilingual tokenizer from the committed ranks (cached per process). */
import { readFileSync } from 'node:fs';
import { parseTiktoken } from '../../tokenizer/parse-tiktoken.js';
import { WhisperTokenizer } from '../../tokenizer/whisper-tokenizer.js';

let cached: WhisperTokenizer | undefined;

export function testTokenizer(): WhisperTokenizer {
  cached ??= new WhisperTokenizer(
    parseTiktoken(
      readFileSync(new URL('../../../../models/tokenizer/multilingual.tiktoken', import.meta.url), 'utf8'),
      'multilingual.tiktoken',
    ),
    51_865,
  );
  return cached;
}

/** A mel window whose first value carries the fake model's window id. */
export function melForWindow(windowId: number, numMelBins = 80, windowFrames = 3000): Float32Array {
  const mel = new Float32Array(numMelBins * windowFrames);
  mel[0] = windowId;
  return mel;
}
