import type { TranscriptionSegment } from './transcription-result.js';

/** A decoded segment with neutral decoding statistics, for tests of what consumes segments. */
export function segmentFixture(id: number, start: number, end: number, text: string): TranscriptionSegment {
  return {
    id,
    seek: 0,
    start,
    end,
    text,
    tokens: [],
    temperature: 0,
    avgLogprob: -0.1,
    compressionRatio: 1,
    noSpeechProb: 0,
  };
}
