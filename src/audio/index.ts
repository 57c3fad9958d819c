// Public surface of the audio layer (CONVENTIONS.md §2): every export is named here.
export {
  MAX_CHANNEL_COUNT,
  MAX_SAMPLE_RATE_HZ,
  MIN_SAMPLE_RATE_HZ,
  type DecodedAudio,
  type DecodeLimits,
} from './decoded-audio.js';
export { decodeRawPcm, type RawPcmEncoding, type RawPcmOptions, type SampleEncoding } from './pcm-decoder.js';
export { decodeWav, isWav } from './wav-decoder.js';
export { decodeAudio } from './decode-audio.js';
export { sniffContainer, type SniffedContainer } from './container-sniffer.js';
export {
  StreamingAudioDecoder,
  type StreamFormat,
  type StreamingAudioDecoderOptions,
} from './streaming-audio-decoder.js';
export { encodeWav16, encodeWavFloat32 } from './wav-encoder.js';
export { ComplexFft } from './fft.js';
export { RealFft } from './real-fft.js';
export { PowerStft, hannWindowPeriodic } from './stft.js';
export { resample } from './resampler.js';
export { StreamingResampler } from './streaming-resampler.js';
export { designResamplerKernel, type ResamplerKernel } from './resampler-kernel.js';
export { StreamingLogMel, type StreamingLogMelOptions } from './streaming-log-mel.js';
export { EnergyVad, type EnergyVadOptions, type VadEvent } from './energy-vad.js';
export { toWhisperPcm } from './whisper-pcm.js';
export { loadAudioFile } from './load-audio-file.js';
export { melFilterBank, type MelFilterBank, type MelFilterBankOptions } from './mel-filter-bank.js';
export {
  LogMelExtractor,
  WHISPER_N_FRAMES,
  MAX_WINDOW_FRAMES,
  logMel,
  logMelLongForm,
  melWindowInto,
  type LogMelOptions,
  type MelSpectrogram,
  type WhisperMelCount,
} from './log-mel.js';
