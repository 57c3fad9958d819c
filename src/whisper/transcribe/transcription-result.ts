/** One word with its timing (openai verbose_json `words`). Times in seconds from the file start. */
export interface TranscriptionWord {
  readonly word: string;
  readonly start: number;
  readonly end: number;
  readonly probability: number;
}

/** One segment (openai verbose_json `segments`). Times in seconds from the file start. */
export interface TranscriptionSegment {
  readonly id: number;
  /** Mel frame (10 ms) where the window of this segment started. */
  readonly seek: number;
  readonly start: number;
  readonly end: number;
  /** Decoded text, untrimmed (usually with a leading space), as openai returns it. */
  readonly text: string;
  /** Text and timestamp tokens of the segment. */
  readonly tokens: readonly number[];
  readonly temperature: number;
  readonly avgLogprob: number;
  readonly compressionRatio: number;
  readonly noSpeechProb: number;
  readonly words?: readonly TranscriptionWord[];
}

/** Result of {@link transcribe} (the shape of openai's verbose_json). */
export interface TranscriptionResult {
  /** The whole text, trimmed. */
  readonly text: string;
  /** Language code (given, or detected from the first window). */
  readonly language: string;
  /** Probability of the detected language (absent when the language was given). */
  readonly languageProbability?: number;
  readonly segments: readonly TranscriptionSegment[];
  readonly durationSec: number;
}
