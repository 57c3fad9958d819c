import { WHISPER_SAMPLE_RATE_HZ } from '../shared/index.js';
import type { DecodedAudio } from './decoded-audio.js';
import { resample } from './resampler.js';

/**
 * Whisper's input signal: mono float at 16 kHz (openai/whisper audio.py@c0d2f62 `load_audio`).
 * Audio already at 16 kHz is returned as is (same array, no copy).
 * @throws AppError `REQUEST_INVALID` when the source rate is outside 1 kHz … 768 kHz.
 */
export function toWhisperPcm(audio: DecodedAudio): Float32Array {
  if (audio.sampleRateHz === WHISPER_SAMPLE_RATE_HZ) return audio.samples;
  return resample(audio.samples, audio.sampleRateHz, WHISPER_SAMPLE_RATE_HZ);
}
