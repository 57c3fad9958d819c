/**
 * Index of the best candidate by length-normalised log-prob: `sumLogprob / penalty`, with
 * penalty = length when `lengthPenalty` is undefined, else `((5 + length) / 6) ** lengthPenalty`
 * (Google NMT, arXiv:1609.08144 eq. 14). `lengths` count the sampled text tokens (no EOT).
 * ref: openai/whisper whisper/decoding.py@c0d2f62 (`MaximumLikelihoodRanker`).
 */
export function rankCandidates(
  sumLogprobs: readonly number[],
  lengths: readonly number[],
  lengthPenalty: number | undefined,
): number {
  let best = 0;
  let bestScore = -Infinity;
  for (let i = 0; i < sumLogprobs.length; i++) {
    const penalty = lengthPenalty === undefined ? lengths[i] : ((5 + lengths[i]) / 6) ** lengthPenalty;
    const score = sumLogprobs[i] / penalty;
    if (score > bestScore || i === 0) {
      best = i;
      bestScore = score;
    }
  }
  return best;
}
