/** Whisper's fixed audio constants; ref: openai/whisper whisper/audio.py@c0d2f62. */
export const WHISPER_SAMPLE_RATE_HZ = 16_000;
/** STFT size and hop of Whisper's front end (25 ms window, 10 ms hop at 16 kHz). */
export const WHISPER_N_FFT_SAMPLES = 400;
export const WHISPER_HOP_LENGTH_SAMPLES = 160;
/** One encoder output position covers two mel frames (conv2 stride 2): 20 ms. */
export const WHISPER_SECONDS_PER_TOKEN_POSITION = 0.02;

export const BYTES_PER_MIB = 1024 * 1024;
