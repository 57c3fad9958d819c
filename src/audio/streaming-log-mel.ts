import { AppError, WHISPER_HOP_LENGTH_SAMPLES, WHISPER_N_FFT_SAMPLES } from '../shared/index.js';
import {
  LOG10_POWER_FLOOR,
  LogMelExtractor,
  MAX_WINDOW_FRAMES,
  WHISPER_N_FRAMES,
  normalizeInto,
  type WhisperMelCount,
} from './log-mel.js';

/** Options of {@link StreamingLogMel}. */
export interface StreamingLogMelOptions {
  nMels: WhisperMelCount;
  /** Most audio kept (after {@link StreamingLogMel.discardBefore}); more → `AUDIO_FRAME_TOO_LARGE`. Default 120 s. */
  maxBufferedSamples?: number;
}

const HOP = WHISPER_HOP_LENGTH_SAMPLES;
const HALF_FFT = WHISPER_N_FFT_SAMPLES / 2;
/** Two minutes at 16 kHz: four Whisper windows of history per stream. */
const DEFAULT_MAX_BUFFERED_SAMPLES = 120 * 16_000;

/**
 * Log-mel windows over a live 16 kHz stream without recomputing the spectrogram: frames that lie
 * wholly inside received audio are computed once and cached by absolute frame index; only the
 * frames at a window's edges (reflect padding at its start, zeros after its end) are recomputed.
 * `windowInto` returns exactly what {@link logMel} gives for the same audio slice, at a fraction
 * of the cost when windows overlap (a re-decode every few hundred ms).
 */
export class StreamingLogMel {
  readonly nMels: number;
  readonly #extractor: LogMelExtractor;
  readonly #maxBufferedSamples: number;
  /** Audio; audio[0] is absolute sample #audioStart. */
  #audio = new Float32Array(16_000);
  #audioStart = 0;
  #audioLen = 0;
  /** Cached log10 frames, frame-major [frame][mel]; cache row 0 is absolute frame #cacheStart. */
  #cache: Float32Array;
  #cacheStart = 0;
  #cacheLen = 0;

  /** @throws AppError `REQUEST_INVALID` for an unsupported mel count or a non-positive buffer limit. */
  constructor(options: StreamingLogMelOptions) {
    this.#extractor = new LogMelExtractor(options.nMels);
    this.nMels = options.nMels;
    this.#maxBufferedSamples = options.maxBufferedSamples ?? DEFAULT_MAX_BUFFERED_SAMPLES;
    if (!(this.#maxBufferedSamples > 0)) {
      throw new AppError(
        'REQUEST_INVALID',
        `Cannot buffer audio: maxBufferedSamples ${this.#maxBufferedSamples}`,
      );
    }
    this.#cache = new Float32Array(options.nMels * 256);
  }

  /** Absolute index of the first sample still buffered. */
  get startSample(): number {
    return this.#audioStart;
  }

  /** Absolute index one past the last sample received. */
  get endSample(): number {
    return this.#audioStart + this.#audioLen;
  }

  /**
   * Appends 16 kHz mono samples.
   * @throws AppError `AUDIO_FRAME_TOO_LARGE` when the buffered audio would exceed maxBufferedSamples.
   */
  push(pcm16k: Float32Array): void {
    const needed = this.#audioLen + pcm16k.length;
    if (needed > this.#maxBufferedSamples) {
      throw new AppError(
        'AUDIO_FRAME_TOO_LARGE',
        `Cannot buffer audio: ${needed} samples exceed the limit of ${this.#maxBufferedSamples}; discard older audio first`,
      );
    }
    if (needed > this.#audio.length) {
      const grown = new Float32Array(
        Math.min(this.#maxBufferedSamples, Math.max(needed, 2 * this.#audio.length)),
      );
      grown.set(this.#audio.subarray(0, this.#audioLen));
      this.#audio = grown;
    }
    this.#audio.set(pcm16k, this.#audioLen);
    this.#audioLen = needed;
  }

  /** Forgets audio (and cached frames) before absolute sample `sample`. */
  discardBefore(sample: number): void {
    const drop = Math.min(Math.max(0, Math.floor(sample) - this.#audioStart), this.#audioLen);
    if (drop > 0) {
      this.#audio.copyWithin(0, drop, this.#audioLen);
      this.#audioLen -= drop;
      this.#audioStart += drop;
    }
    // A cached frame needs samples from centre − 200 on; drop frames that can no longer be used.
    const firstUsable = Math.ceil((this.#audioStart + HALF_FFT) / HOP);
    const dropFrames = Math.min(Math.max(0, firstUsable - this.#cacheStart), this.#cacheLen);
    if (dropFrames > 0) {
      const n = this.nMels;
      this.#cache.copyWithin(0, dropFrames * n, this.#cacheLen * n);
      this.#cacheLen -= dropFrames;
      this.#cacheStart += dropFrames;
    }
    if (this.#cacheLen === 0) this.#cacheStart = firstUsable;
  }

  /**
   * Writes the log-mel of audio [startSample, endSample) — zero-padded or trimmed to nFrames·160
   * samples, as {@link logMel} does — into `out` ([nMels, nFrames]).
   * @throws AppError `REQUEST_INVALID` when the range is not buffered, nFrames is out of range or
   *   `out` is short.
   */
  windowInto(
    out: Float32Array,
    startSample: number,
    endSample: number = this.endSample,
    nFrames: number = WHISPER_N_FRAMES,
  ): Float32Array {
    const nMels = this.nMels;
    if (!Number.isInteger(nFrames) || nFrames < 2 || nFrames > MAX_WINDOW_FRAMES) {
      throw new AppError(
        'REQUEST_INVALID',
        `Cannot compute log-mel: nFrames ${nFrames} is not in 2..${MAX_WINDOW_FRAMES}`,
      );
    }
    if (
      !Number.isInteger(startSample) ||
      !Number.isInteger(endSample) ||
      startSample < this.#audioStart ||
      endSample > this.endSample ||
      endSample < startSample
    ) {
      throw new AppError(
        'REQUEST_INVALID',
        `Cannot compute log-mel: samples ${startSample}..${endSample} are not within the buffered ${this.#audioStart}..${this.endSample}`,
      );
    }
    if (out.length < nMels * nFrames) {
      throw new AppError('REQUEST_INVALID', `Cannot compute log-mel: output holds ${out.length} values`);
    }
    const windowSamples = nFrames * HOP;
    const x = this.#audio.subarray(startSample - this.#audioStart);
    const dataLength = Math.min(endSample - startSample, windowSamples);
    // Cached frames can stand in only when the window is frame-aligned with the stream.
    const isAligned = startSample % HOP === 0;
    const frameOffset = startSample / HOP;
    let max = LOG10_POWER_FLOOR;
    for (let t = 0; t < nFrames; t++) {
      const lo = t * HOP - HALF_FFT;
      const hi = t * HOP + HALF_FFT;
      let frameMax: number;
      if (lo >= dataLength && hi <= windowSamples) {
        // Only padding zeros under the window: power 0 in every bin, floored.
        for (let m = 0; m < nMels; m++) out[m * nFrames + t] = LOG10_POWER_FLOOR;
        frameMax = LOG10_POWER_FLOOR;
      } else if (isAligned && lo >= 0 && hi <= dataLength) {
        const row = this.#cachedFrame(frameOffset + t);
        frameMax = LOG10_POWER_FLOOR;
        for (let m = 0; m < nMels; m++) {
          const v = this.#cache[row + m];
          out[m * nFrames + t] = v;
          if (v > frameMax) frameMax = v;
        }
      } else {
        frameMax = this.#extractor.frameLog10Into(out, t, nFrames, x, dataLength, windowSamples, t * HOP);
      }
      if (frameMax > max) max = frameMax;
    }
    return normalizeInto(out, nMels * nFrames, max);
  }

  /** Offset in #cache of absolute frame `frame` (wholly inside buffered audio), computing up to it. */
  #cachedFrame(frame: number): number {
    const n = this.nMels;
    if (this.#cacheLen === 0 || frame < this.#cacheStart || frame > this.#cacheStart + this.#cacheLen) {
      // Not contiguous with the cache (first use, or a jump): restart the cache at this frame.
      this.#cacheStart = frame;
      this.#cacheLen = 0;
    }
    while (frame >= this.#cacheStart + this.#cacheLen) {
      if ((this.#cacheLen + 1) * n > this.#cache.length) {
        const grown = new Float32Array(2 * this.#cache.length);
        grown.set(this.#cache.subarray(0, this.#cacheLen * n));
        this.#cache = grown;
      }
      const f = this.#cacheStart + this.#cacheLen;
      const center = f * HOP - this.#audioStart;
      // Interior frame: no padding is reached, so the data/reflect lengths are the buffer's.
      this.#extractor.frameLog10Into(
        this.#cache,
        this.#cacheLen * n,
        1,
        this.#audio,
        this.#audioLen,
        this.#audioLen,
        center,
      );
      this.#cacheLen += 1;
    }
    return (frame - this.#cacheStart) * n;
  }
}
