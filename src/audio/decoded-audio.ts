/** Audio decoded to mono float samples, before any resampling. */
export interface DecodedAudio {
  /** Mono samples in [-1, 1]; multichannel sources are averaged (ffmpeg `-ac 1` style). */
  samples: Float32Array;
  sampleRateHz: number;
  /** Channel count of the source, before the mono mix-down. */
  channelCount: number;
}

/** Limits applied while decoding so that hostile input cannot force a huge allocation. */
export interface DecodeLimits {
  /** Maximum number of mono output samples; more → `AUDIO_FRAME_TOO_LARGE`. */
  maxSamples?: number;
  /** Maximum input size in bytes; more → `AUDIO_FRAME_TOO_LARGE`. */
  maxBytes?: number;
}

/** Lowest and highest sample rates we accept from a header or a caller (telephony … 768 kHz studio). */
export const MIN_SAMPLE_RATE_HZ = 1_000;
export const MAX_SAMPLE_RATE_HZ = 768_000;
/** More channels than this is not audio we can be sent (WAVE_FORMAT_EXTENSIBLE mask has 18 speakers). */
export const MAX_CHANNEL_COUNT = 256;
