import { AppError, WHISPER_HOP_LENGTH_SAMPLES, WHISPER_N_FFT_SAMPLES } from '../shared/index.js';
import { melFilterBank, type MelFilterBank } from './mel-filter-bank.js';
import { PowerStft } from './stft.js';

/** A log-mel spectrogram, [nMels, nFrames] row-major (Whisper's `input_features` without batch). */
export interface MelSpectrogram {
  data: Float32Array;
  nMels: number;
  nFrames: number;
}

/** Mel bin counts of released Whisper models (80: tiny…large-v2; 128: large-v3/turbo). */
export type WhisperMelCount = 80 | 128;

/** Options of {@link logMel}. */
export interface LogMelOptions {
  nMels: WhisperMelCount;
  /** Frames per window (default 3000 = 30 s); a model's is 2 · max_source_positions. */
  nFrames?: number;
}

/** Whisper's 30-s window in mel frames; ref: openai/whisper whisper/audio.py@c0d2f62 (N_FRAMES). */
export const WHISPER_N_FRAMES = 3000;
/** Largest one-window size we accept (1 h of audio): bounds the output allocation of {@link logMel}. */
export const MAX_WINDOW_FRAMES = 360_000;
// log10 floor of the power (audio.py: `torch.clamp(mel_spec, min=1e-10)`): −100 dB below full scale.
const POWER_FLOOR = 1e-10;
/** log10 of the floor: the value of every mel bin of a silent frame. */
export const LOG10_POWER_FLOOR = -10;
// Dynamic range kept below the loudest value, in log10 units (audio.py: `log_spec.max() - 8.0`, 80 dB).
const DYNAMIC_RANGE_LOG10 = 8;
// OpenAI pads long-form audio with 30 s of zeros (transcribe.py: `padding=N_SAMPLES`); the frames
// past the end therefore see zeros, not a reflection of the audio.
const LONG_FORM_TAIL_ZEROS_SAMPLES = 480_000;

/**
 * Whisper's log-mel front end with its tables and scratch buffers built once; reuse one per
 * stream or worker. Steps (openai/whisper audio.py@c0d2f62 `log_mel_spectrogram`): periodic Hann
 * 400, reflect padding 200, hop 160, |rfft|², last frame dropped, Slaney mel filters,
 * log10(max(x, 1e-10)), max(x, max − 8), (x + 4) / 4.
 */
export class LogMelExtractor {
  readonly nMels: number;
  readonly #stft = new PowerStft(WHISPER_N_FFT_SAMPLES);
  readonly #filters: MelFilterBank;
  readonly #power: Float64Array;
  readonly #scratch: Float32Array;

  /** @throws AppError `REQUEST_INVALID` unless `nMels` is 80 or 128. */
  constructor(nMels: WhisperMelCount) {
    if (nMels !== 80 && nMels !== 128) {
      throw new AppError(
        'REQUEST_INVALID',
        `Cannot compute log-mel: nMels ${String(nMels)} is not 80 or 128`,
      );
    }
    this.nMels = nMels;
    this.#filters = melFilterBank({ nMels });
    this.#power = new Float64Array(this.#stft.binCount);
    this.#scratch = new Float32Array(nMels);
  }

  /**
   * One window: `pcm16k` zero-padded or trimmed to nFrames·160 samples, then nFrames frames into
   * `out` ([nMels, nFrames]); the max is over this window (HF/transformers.js short-form).
   * @throws AppError `REQUEST_INVALID` for nFrames < 2 or a short `out`.
   */
  logMelInto(out: Float32Array, pcm16k: Float32Array, nFrames: number = WHISPER_N_FRAMES): Float32Array {
    checkWindowFrames(nFrames);
    checkOut(out, this.nMels * nFrames);
    const windowSamples = nFrames * WHISPER_HOP_LENGTH_SAMPLES;
    const dataLength = Math.min(pcm16k.length, windowSamples);
    const max = this.#logPowerInto(out, nFrames, nFrames, pcm16k, dataLength, windowSamples);
    return normalizeInto(out, this.nMels * nFrames, max);
  }

  /**
   * The whole signal as OpenAI's long-form transcribe sees it: floor(len/160) frames, the audio
   * followed by zeros, the max over the whole file. Slice windows with {@link melWindowInto}.
   */
  logMelLongForm(pcm16k: Float32Array): MelSpectrogram {
    const nFrames = Math.floor(pcm16k.length / WHISPER_HOP_LENGTH_SAMPLES);
    // Frames up to the one whose window starts past the audio still hold audio energy and take
    // part in OpenAI's max (its array continues into the zero padding).
    const framesWithAudio = Math.ceil(
      (pcm16k.length + WHISPER_N_FFT_SAMPLES / 2) / WHISPER_HOP_LENGTH_SAMPLES,
    );
    const data = new Float32Array(this.nMels * nFrames);
    const max = this.#logPowerInto(
      data,
      nFrames,
      framesWithAudio,
      pcm16k,
      pcm16k.length,
      pcm16k.length + LONG_FORM_TAIL_ZEROS_SAMPLES,
    );
    normalizeInto(data, data.length, max);
    return { data, nMels: this.nMels, nFrames };
  }

  /**
   * Writes log10(max(mel power, 1e-10)) of frames [0, outFrames) into `out` ([nMels, outFrames])
   * and returns the max over frames [0, maxFrames) (≥ outFrames; extra frames are computed only
   * for the max). The max is at least log10(1e-10) because every value is floored there.
   */
  #logPowerInto(
    out: Float32Array,
    outFrames: number,
    maxFrames: number,
    x: Float32Array,
    dataLength: number,
    reflectLength: number,
  ): number {
    let max = LOG10_POWER_FLOOR;
    for (let t = 0; t < maxFrames; t++) {
      const center = t * WHISPER_HOP_LENGTH_SAMPLES;
      const frameMax =
        t < outFrames
          ? this.frameLog10Into(out, t, outFrames, x, dataLength, reflectLength, center)
          : this.frameLog10Into(this.#scratch, 0, 1, x, dataLength, reflectLength, center);
      if (frameMax > max) max = frameMax;
    }
    return max;
  }

  /**
   * One frame's log10(max(mel power, 1e-10)), rounded to float32, written to
   * `out[offset + m·stride]` for each mel m; returns the frame's largest value. The frame is
   * centred at `centerSample` of `x` (zeros after `dataLength`, mirrored at 0 and at
   * `reflectLength − 1`). Building block for incremental spectrograms.
   */
  frameLog10Into(
    out: Float32Array,
    offset: number,
    stride: number,
    x: Float32Array,
    dataLength: number,
    reflectLength: number,
    centerSample: number,
  ): number {
    const { data: fb, nBins, firstBin, endBin } = this.#filters;
    const power = this.#stft.framePowerInto(this.#power, x, dataLength, reflectLength, centerSample);
    let max = LOG10_POWER_FLOOR;
    for (let m = 0, nMels = this.nMels; m < nMels; m++) {
      let sum = 0;
      const row = m * nBins;
      for (let k = firstBin[m], end = endBin[m]; k < end; k++) sum += fb[row + k] * power[k];
      // Rounded before the max so that every path (one-shot, incremental) floors identically.
      const v = Math.fround(Math.log10(sum > POWER_FLOOR ? sum : POWER_FLOOR));
      if (v > max) max = v;
      out[offset + m * stride] = v;
    }
    return max;
  }
}

function checkWindowFrames(nFrames: number): void {
  if (!Number.isInteger(nFrames) || nFrames < 2 || nFrames > MAX_WINDOW_FRAMES) {
    throw new AppError(
      'REQUEST_INVALID',
      `Cannot compute log-mel: nFrames ${nFrames} is not in 2..${MAX_WINDOW_FRAMES}`,
    );
  }
}

function checkOut(out: Float32Array, needed: number): void {
  if (out.length < needed) {
    throw new AppError(
      'REQUEST_INVALID',
      `Cannot compute log-mel: output holds ${out.length} values, needs ${needed}`,
    );
  }
}

/** max(x, max − 8), then (x + 4) / 4, in place over the first `count` values. */
export function normalizeInto(out: Float32Array, count: number, max: number): Float32Array {
  const floor = max - DYNAMIC_RANGE_LOG10;
  for (let i = 0; i < count; i++) {
    const v = out[i];
    out[i] = ((v > floor ? v : floor) + 4) / 4;
  }
  return out;
}

/**
 * Log-mel of one window (short-form): the audio is zero-padded or trimmed to nFrames·160 samples.
 * Builds the tables per call; hold a {@link LogMelExtractor} when computing many.
 * @throws AppError `REQUEST_INVALID` for nMels other than 80/128 or nFrames outside 2..360000.
 */
export function logMel(pcm16k: Float32Array, options: LogMelOptions): MelSpectrogram {
  const nFrames = options.nFrames ?? WHISPER_N_FRAMES;
  checkWindowFrames(nFrames);
  const extractor = new LogMelExtractor(options.nMels);
  const data = extractor.logMelInto(new Float32Array(options.nMels * nFrames), pcm16k, nFrames);
  return { data, nMels: options.nMels, nFrames };
}

/**
 * Log-mel of a whole file with the global max (OpenAI long-form): floor(len/160) frames.
 * @throws AppError `REQUEST_INVALID` for nMels other than 80/128.
 */
export function logMelLongForm(pcm16k: Float32Array, options: { nMels: WhisperMelCount }): MelSpectrogram {
  return new LogMelExtractor(options.nMels).logMelLongForm(pcm16k);
}

/**
 * Copies frames [startFrame, startFrame + nFrames) of `mel` into `out` ([nMels, nFrames]), padding
 * with 0.0 past the end of `mel` — the log-mel-domain padding of openai/whisper transcribe.py
 * (`pad_or_trim(mel_segment, N_FRAMES)`), HF and transformers.js.
 * @throws AppError `REQUEST_INVALID` for a negative start, nFrames < 0, or a short `out`.
 */
export function melWindowInto(
  out: Float32Array,
  mel: MelSpectrogram,
  startFrame: number,
  nFrames: number,
): Float32Array {
  if (!Number.isInteger(startFrame) || startFrame < 0 || !Number.isInteger(nFrames) || nFrames < 0) {
    throw new AppError('REQUEST_INVALID', `Cannot slice mel window: start ${startFrame}, frames ${nFrames}`);
  }
  checkOut(out, mel.nMels * nFrames);
  const available = Math.max(0, Math.min(nFrames, mel.nFrames - startFrame));
  for (let m = 0; m < mel.nMels; m++) {
    const src = m * mel.nFrames + startFrame;
    const dst = m * nFrames;
    if (available > 0) out.set(mel.data.subarray(src, src + available), dst);
    out.fill(0, dst + available, dst + nFrames);
  }
  return out;
}
