import type { WhisperTask, WhisperTokenizer } from '../tokenizer/whisper-tokenizer.js';

/** The tokens fed before sampling starts, and where the SOT token sits among them. */
export interface InitialTokens {
  /** `[<|startofprev|>, …prompt]` + SOT sequence + prefix. */
  readonly tokens: readonly number[];
  /** Index of <|startoftranscript|> in `tokens` (where no-speech is measured). */
  readonly sotIndex: number;
}

/** Inputs of {@link initialTokens}. */
export interface InitialTokensOptions {
  /** Language code; ignored for English-only vocabularies. */
  readonly language: string;
  readonly task: WhisperTask;
  readonly withoutTimestamps: boolean;
  /** Previous-context text tokens (without <|startofprev|>); the last `maxTargetPositions/2 − 1` are kept. */
  readonly prompt?: readonly number[] | undefined;
  /** Forced start of the current text; truncated to `maxTargetPositions/2 − sampleLen`. */
  readonly prefix?: readonly number[] | undefined;
  readonly maxTargetPositions: number;
  /** Sampled-token budget (openai `sample_len`). */
  readonly sampleLenTokens: number;
}

/**
 * SOT sequence `[sot, language, task]` (`[sot]` for .en vocabularies), plus <|notimestamps|>
 * when timestamps are off; the prompt goes before it behind <|startofprev|>, the prefix after it.
 * ref: openai/whisper whisper/decoding.py@c0d2f62 (`_get_initial_tokens`), tokenizer.py (`sot_sequence`).
 */
export function initialTokens(tokenizer: WhisperTokenizer, options: InitialTokensOptions): InitialTokens {
  const s = tokenizer.special;
  const sotSequence = [s.sot];
  if (s.isMultilingual)
    sotSequence.push(tokenizer.languageToken(options.language), tokenizer.taskToken(options.task));
  if (options.withoutTimestamps) sotSequence.push(s.noTimestamps);
  const half = Math.floor(options.maxTargetPositions / 2);
  const tokens: number[] = [];
  if (options.prompt !== undefined && options.prompt.length > 0) {
    const keep = half - 1;
    tokens.push(s.startOfPrev, ...options.prompt.slice(Math.max(0, options.prompt.length - keep)));
  }
  const sotIndex = tokens.length;
  tokens.push(...sotSequence);
  if (options.prefix !== undefined && options.prefix.length > 0) {
    // Python's `prefix[-0:]` keeps everything: with the default sample_len = n_ctx/2 nothing is cut.
    const maxPrefix = half - options.sampleLenTokens;
    tokens.push(...(maxPrefix > 0 ? options.prefix.slice(-maxPrefix) : options.prefix));
  }
  return { tokens, sotIndex };
}
