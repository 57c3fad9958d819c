import { AppError } from '../../shared/index.js';
import type { BpeRanks } from './bpe-ranks.js';
import { binaryKey } from './bpe-ranks.js';

/**
 * Byte-pair encodes one pre-tokenized piece with tiktoken's rank-merge rule: start from single
 * bytes and repeatedly merge the adjacent pair whose concatenation has the lowest rank, until no
 * adjacent pair is a token (or, with `maxRank`, none ranks below it). Appends the parts' ids to
 * `out` and returns the part boundaries (`bounds[i]..bounds[i+1]` is part i).
 * ref: huggingface/transformers convert_openai_to_hf.py@37b5946 (`_bpe`); tiktoken `byte_pair_merge`.
 */
export function bpeMergeParts(ranks: BpeRanks, bytes: Uint8Array, maxRank = Infinity): number[] {
  const bounds: number[] = [];
  for (let i = 0; i <= bytes.length; i++) bounds.push(i);
  // O(n²) in the piece length, like tiktoken's simple path; pieces are words, so n is small.
  while (bounds.length > 2) {
    let bestRank = Infinity;
    let bestIndex = -1;
    for (let i = 0; i + 2 < bounds.length; i++) {
      const r = ranks.rankOfKey(binaryKey(bytes, bounds[i], bounds[i + 2]));
      if (r !== undefined && r < bestRank) {
        bestRank = r;
        bestIndex = i;
      }
    }
    if (bestIndex < 0 || bestRank >= maxRank) break;
    bounds.splice(bestIndex + 1, 1);
  }
  return bounds;
}

/** Appends the token ids of one piece to `out`. */
export function bpeEncodePieceInto(out: number[], ranks: BpeRanks, bytes: Uint8Array): void {
  const whole = ranks.rankOfKey(binaryKey(bytes));
  if (whole !== undefined) {
    out.push(whole);
    return;
  }
  const bounds = bpeMergeParts(ranks, bytes);
  for (let i = 0; i + 1 < bounds.length; i++) {
    const id = ranks.rankOfKey(binaryKey(bytes, bounds[i], bounds[i + 1]));
    // Every single byte is a rank-0..255 token in Whisper vocabularies; a gap is a corrupt vocab.
    if (id === undefined) {
      throw new AppError('TOKENIZER_INVALID', `Cannot encode text: byte ${bytes[bounds[i]]} has no token`);
    }
    out.push(id);
  }
}
