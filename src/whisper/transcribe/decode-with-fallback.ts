import { decodeWindow, type WindowDecodeOptions, type WindowDecodeResult } from '../decode/decode-window.js';
import type { WhisperTokenizer } from '../tokenizer/whisper-tokenizer.js';
import type { EncodedAudio, WhisperModel } from '../whisper-model.js';

/** Thresholds of the temperature fallback (openai `transcribe()` defaults in JSDoc); null = off. */
export interface FallbackThresholds {
  /** Too repetitive above this gzip ratio (2.4). */
  readonly compressionRatioThreshold: number | null;
  /** Too unlikely below this average log-prob (−1.0). */
  readonly logprobThreshold: number | null;
  /** Treated as silence (no fallback) above this no-speech probability when also unlikely (0.6). */
  readonly noSpeechThreshold: number | null;
}

/**
 * Decodes one window at each temperature in turn until a result needs no fallback: one that is
 * too repetitive or too unlikely is retried hotter, except that an unlikely result with a high
 * no-speech probability is accepted as silence. Beam options apply only at temperature 0,
 * `bestOf` only above it. Returns the last result when every temperature fails.
 * ref: openai/whisper whisper/transcribe.py@c0d2f62 (`decode_with_fallback`).
 */
export async function decodeWithFallback(
  model: WhisperModel,
  tokenizer: WhisperTokenizer,
  audio: EncodedAudio,
  temperatures: readonly number[],
  options: Omit<WindowDecodeOptions, 'temperature'>,
  thresholds: FallbackThresholds,
): Promise<WindowDecodeResult> {
  let result: WindowDecodeResult | undefined;
  for (const temperature of temperatures) {
    const pass: WindowDecodeOptions =
      temperature > 0
        ? { ...options, temperature, beamSize: undefined, patience: undefined }
        : { ...options, temperature, bestOf: undefined };
    result = await decodeWindow(model, tokenizer, audio, pass);
    if (!needsFallback(result, thresholds)) break;
  }
  if (result === undefined) throw new RangeError('decodeWithFallback() needs at least one temperature');
  return result;
}

/** openai's fallback decision for one result. */
export function needsFallback(
  result: Pick<WindowDecodeResult, 'compressionRatio' | 'avgLogprob' | 'noSpeechProb'>,
  t: FallbackThresholds,
): boolean {
  let fallback = false;
  if (t.compressionRatioThreshold !== null && result.compressionRatio > t.compressionRatioThreshold)
    fallback = true;
  if (t.logprobThreshold !== null && result.avgLogprob < t.logprobThreshold) fallback = true;
  if (
    t.noSpeechThreshold !== null &&
    result.noSpeechProb > t.noSpeechThreshold &&
    t.logprobThreshold !== null &&
    result.avgLogprob < t.logprobThreshold
  ) {
    fallback = false;
  }
  return fallback;
}
