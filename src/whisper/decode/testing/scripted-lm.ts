/**
 * TEST helper: a scripted "language model" for {@link fakeWhisperModel}. After the SOT sequence,
 * window w predicts `scripts[w][k]` strongly (logit `confidence`), k = tokens sampled so far;
 * past the script's end it predicts EOT. At the SOT position it sets the language and no-speech
 * logits.
 */
import type { WhisperTokenizer } from '../../tokenizer/whisper-tokenizer.js';
import type { FakeLanguageModel } from './fake-whisper-model.js';

export interface ScriptedLmOptions {
  /** Language code per window (default 'en'). */
  readonly languages?: Readonly<Record<number, string>>;
  /** Logit of <|nospeech|> at the SOT position per window (default −10 = speech). */
  readonly noSpeechLogits?: Readonly<Record<number, number>>;
  /** Logit of the scripted token (default 10). */
  readonly confidence?: number;
}

export function scriptedLm(
  tokenizer: WhisperTokenizer,
  scripts: Readonly<Record<number, readonly number[]>>,
  options: ScriptedLmOptions = {},
): FakeLanguageModel {
  const s = tokenizer.special;
  const confidence = options.confidence ?? 10;
  return (out, history, windowId) => {
    const last = history[history.length - 1];
    if (last === s.sot) {
      out[tokenizer.languageToken(options.languages?.[windowId] ?? 'en')] = 5;
      out[s.noSpeech] = options.noSpeechLogits?.[windowId] ?? -10;
    }
    // Sampled tokens start after the last control token (sot, language, task, notimestamps).
    let k = 0;
    for (let i = history.length - 1; i >= 0 && !(history[i] >= s.eot && history[i] < s.timestampBegin); i--)
      k++;
    const script = scripts[windowId] ?? [];
    out[k < script.length ? script[k] : s.eot] = confidence;
  };
}
