import type { LogitsFilterFactory } from './logits-filter.js';

/**
 * SuppressTokens: the suppress list is masked at every step.
 * ref: openai/whisper whisper/decoding.py@c0d2f62 (`SuppressTokens`).
 */
export const suppressTokens: LogitsFilterFactory = {
  name: 'suppress-tokens',
  create({ suppressTokens: ids }) {
    if (ids.length === 0) return undefined;
    const list = Int32Array.from(ids);
    return {
      name: 'suppress-tokens',
      apply(logits) {
        for (let i = 0; i < list.length; i++) logits[list[i]] = -Infinity;
      },
    };
  },
};
