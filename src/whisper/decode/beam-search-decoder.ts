import { logSumExp } from './log-softmax.js';
import type { DecodedCandidate, TokenDecoder, TokenDecoderUpdate } from './token-decoder.js';

/**
 * Beam search over one audio item: each step every live beam proposes its `beamSize + 1` most
 * likely tokens; candidates are ranked by cumulative log-prob; those ending in EOT become finished
 * (up to `round(beamSize · patience)` of them), the best others fill the `beamSize` live rows.
 * Done once enough candidates finished. Identical candidate sequences collapse (the last proposer
 * wins), as openai's dict does.
 * ref: openai/whisper whisper/decoding.py@c0d2f62 (`BeamSearchDecoder`).
 */
export class BeamSearchDecoder implements TokenDecoder {
  readonly #beamSize: number;
  readonly #eot: number;
  readonly #maxCandidates: number;
  readonly #finished = new Map<string, { tokens: number[]; sumLogprob: number }>();
  #sumLogprobs: Float64Array;

  /** @param patience openai `patience` (default 1.0): finished candidates to wait for = round(beamSize · patience). */
  constructor(beamSize: number, eot: number, patience = 1) {
    this.#beamSize = beamSize;
    this.#eot = eot;
    this.#maxCandidates = Math.round(beamSize * patience);
    this.#sumLogprobs = new Float64Array(beamSize);
  }

  update(rows: number[][], logits: Float32Array, vocabSize: number): TokenDecoderUpdate {
    if (rows.length !== this.#beamSize) throw new RangeError(`beam search needs ${this.#beamSize} rows`);
    const k = this.#beamSize + 1;
    const candidates = new Map<string, { tokens: number[]; score: number; source: number }>();
    for (let j = 0; j < rows.length; j++) {
      // log-softmax is a shift: rank raw logits, subtract the log-partition only for the k picked.
      const row = logits.subarray(j * vocabSize, (j + 1) * vocabSize);
      const lse = logSumExp(row);
      const prefix = rows[j];
      for (const token of topK(row, k)) {
        const tokens = [...prefix, token];
        candidates.set(tokens.join(','), {
          tokens,
          score: this.#sumLogprobs[j] + (row[token] - lse),
          source: j,
        });
      }
    }
    const ranked = [...candidates.entries()].sort((a, b) => b[1].score - a[1].score || 0); // NaN (−∞ − −∞) ties
    const next: number[][] = [];
    const source: number[] = [];
    const sums = new Float64Array(this.#beamSize);
    const newlyFinished: [string, { tokens: number[]; sumLogprob: number }][] = [];
    for (const [key, c] of ranked) {
      if (c.tokens[c.tokens.length - 1] === this.#eot) {
        newlyFinished.push([key, { tokens: c.tokens, sumLogprob: c.score }]);
      } else {
        sums[next.length] = c.score;
        next.push(c.tokens);
        source.push(c.source);
        if (next.length === this.#beamSize) break;
      }
    }
    // openai collects finished sequences only among the candidates visited before the break.
    for (const [key, f] of newlyFinished) {
      if (this.#finished.size >= this.#maxCandidates) break;
      this.#finished.set(key, f);
    }
    this.#sumLogprobs = sums;
    rows.splice(0, rows.length, ...next);
    return { completed: this.#finished.size >= this.#maxCandidates, source: Int32Array.from(source) };
  }

  finalize(rows: readonly number[][]): DecodedCandidate[] {
    if (this.#finished.size < this.#beamSize) {
      const order = [...rows.keys()].sort((a, b) => this.#sumLogprobs[b] - this.#sumLogprobs[a]);
      for (const j of order) {
        const tokens = [...rows[j], this.#eot];
        this.#finished.set(tokens.join(','), { tokens, sumLogprob: this.#sumLogprobs[j] });
        if (this.#finished.size >= this.#beamSize) break;
      }
    }
    return [...this.#finished.values()];
  }
}

/** Indices of the k largest entries, best first (ties: lower index first). */
export function topK(values: Float32Array, k: number): number[] {
  const idx: number[] = [];
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (idx.length === k && !(v > values[idx[k - 1]])) continue;
    let p = idx.length < k ? idx.length : k - 1;
    if (idx.length < k) idx.push(i);
    while (p > 0 && v > values[idx[p - 1]]) {
      idx[p] = idx[p - 1];
      p--;
    }
    idx[p] = i;
  }
  return idx;
}
