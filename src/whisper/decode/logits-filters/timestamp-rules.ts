import { logSumExp } from '../log-softmax.js';
import type { LogitsFilterFactory } from './logits-filter.js';

/**
 * ApplyTimestampRules, openai's five rules (reference §4.3), plus one for short-window models:
 * 1. <|notimestamps|> is never sampled;
 * 2. timestamps come in pairs (after one timestamp following text, text is forbidden; after a
 *    pair, a timestamp is forbidden);
 * 3. timestamps never decrease, and a segment has non-zero length;
 * 4. the first sampled token is a timestamp ≤ max_initial_timestamp;
 * 5. when the total probability of timestamps beats every single text token, a timestamp is forced;
 * and timestamps past the model's window (`windowPositions` steps) are never sampled.
 * ref: openai/whisper whisper/decoding.py@c0d2f62 (`ApplyTimestampRules`).
 */
export const timestampRules: LogitsFilterFactory = {
  name: 'timestamp-rules',
  create({ tokenizer, sampleBegin, withoutTimestamps, maxInitialTimestampIndex, windowPositions }) {
    if (withoutTimestamps) return undefined;
    const { eot, noTimestamps, timestampBegin, vocabSize } = tokenizer.special;
    const lastInWindow = timestampBegin + windowPositions; // <|window end|> is allowed (segment end)
    return {
      name: 'timestamp-rules',
      apply(logits, tokens) {
        logits[noTimestamps] = -Infinity;
        if (lastInWindow + 1 < vocabSize) logits.fill(-Infinity, lastInWindow + 1, vocabSize);

        const sampled = tokens.length - sampleBegin;
        const last = sampled >= 1 ? tokens[tokens.length - 1] : -1;
        const lastWasTimestamp = sampled >= 1 && last >= timestampBegin;
        const penultimateWasTimestamp = sampled < 2 || tokens[tokens.length - 2] >= timestampBegin;
        if (lastWasTimestamp) {
          if (penultimateWasTimestamp) logits.fill(-Infinity, timestampBegin, vocabSize);
          else logits.fill(-Infinity, 0, eot);
        }
        let lastTimestamp = -1;
        for (let i = tokens.length - 1; i >= sampleBegin; i--) {
          if (tokens[i] >= timestampBegin) {
            lastTimestamp = tokens[i];
            break;
          }
        }
        if (lastTimestamp >= 0) {
          const forbidUpTo = lastWasTimestamp && !penultimateWasTimestamp ? lastTimestamp : lastTimestamp + 1;
          logits.fill(-Infinity, timestampBegin, forbidUpTo);
        }
        if (sampled === 0) {
          logits.fill(-Infinity, 0, timestampBegin);
          if (maxInitialTimestampIndex !== undefined) {
            const lastAllowed = timestampBegin + maxInitialTimestampIndex;
            if (lastAllowed + 1 < vocabSize) logits.fill(-Infinity, lastAllowed + 1, vocabSize);
          }
        }
        // Rule 5 compares log-probabilities; the log-softmax shift cancels, so compare raw
        // logsumexp(timestamps) with the best text logit.
        const timestampMass = logSumExp(logits.subarray(timestampBegin));
        let maxText = -Infinity;
        for (let i = 0; i < timestampBegin; i++) if (logits[i] > maxText) maxText = logits[i];
        if (timestampMass > maxText) logits.fill(-Infinity, 0, timestampBegin);
      },
    };
  },
};
