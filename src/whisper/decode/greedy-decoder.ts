import { argmax, logSumExp } from './log-softmax.js';
import type { DecodedCandidate, TokenDecoder, TokenDecoderUpdate } from './token-decoder.js';

/**
 * Greedy (temperature 0: argmax) or sampling (temperature > 0: categorical over logits / T)
 * decoder; every row is an independent sample (openai `best_of`). The log-probability of each
 * chosen token comes from the filtered logits WITHOUT temperature, and a row stops adding once it
 * ended with EOT (the EOT's own log-prob counts).
 * ref: openai/whisper whisper/decoding.py@c0d2f62 (`GreedyDecoder`).
 */
export class GreedyDecoder implements TokenDecoder {
  readonly #temperature: number;
  readonly #eot: number;
  readonly #random: () => number;
  #sumLogprobs: Float64Array | undefined;
  #scratch = new Float32Array(0);

  /** @param random uniform [0, 1) source, used only when temperature > 0. */
  constructor(temperature: number, eot: number, random: () => number) {
    this.#temperature = temperature;
    this.#eot = eot;
    this.#random = random;
  }

  update(rows: number[][], logits: Float32Array, vocabSize: number): TokenDecoderUpdate {
    this.#sumLogprobs ??= new Float64Array(rows.length);
    if (this.#scratch.length !== vocabSize) this.#scratch = new Float32Array(vocabSize);
    let completed = true;
    for (let r = 0; r < rows.length; r++) {
      const row = rows[r];
      const ended = row[row.length - 1] === this.#eot;
      let next = this.#eot;
      if (!ended) {
        const l = logits.subarray(r * vocabSize, (r + 1) * vocabSize);
        next = this.#temperature === 0 ? argmax(l) : this.#sample(l);
        this.#sumLogprobs[r] += l[next] - logSumExp(l);
      }
      row.push(next);
      if (next !== this.#eot) completed = false;
    }
    return { completed };
  }

  finalize(rows: readonly number[][]): DecodedCandidate[] {
    return rows.map((row, r) => ({
      tokens: row[row.length - 1] === this.#eot ? row : [...row, this.#eot],
      sumLogprob: this.#sumLogprobs?.[r] ?? 0,
    }));
  }

  #sample(logits: Float32Array): number {
    const t = this.#temperature;
    let max = -Infinity;
    for (let i = 0; i < logits.length; i++) if (logits[i] > max) max = logits[i];
    let total = 0;
    const p = this.#scratch;
    for (let i = 0; i < logits.length; i++) {
      p[i] = Math.exp((logits[i] - max) / t);
      total += p[i];
    }
    let u = this.#random() * total;
    let last = 0;
    for (let i = 0; i < logits.length; i++) {
      if (p[i] === 0) continue;
      last = i;
      u -= p[i];
      if (u < 0) return i;
    }
    return last; // rounding left u ≥ 0: the last possible token
  }
}
