import type { LogitsFilterFactory } from './logits-filter.js';

/**
 * SuppressBlank: the first sampled token may be neither a space nor EOT.
 * ref: openai/whisper whisper/decoding.py@c0d2f62 (`SuppressBlank`).
 */
export const suppressBlank: LogitsFilterFactory = {
  name: 'suppress-blank',
  create({ tokenizer, sampleBegin, suppressBlank: enabled }) {
    if (!enabled) return undefined;
    const ids = [...tokenizer.encode(' '), tokenizer.special.eot];
    return {
      name: 'suppress-blank',
      apply(logits, tokens) {
        if (tokens.length !== sampleBegin) return;
        for (const id of ids) logits[id] = -Infinity;
      },
    };
  },
};
