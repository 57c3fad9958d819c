import { AppError, WHISPER_SAMPLE_RATE_HZ } from '../shared/index.js';

/** Options of {@link EnergyVad}; defaults suit 16 kHz speech from a close microphone or a phone. */
export interface EnergyVadOptions {
  sampleRateHz?: number;
  /** Analysis frame (default 20 ms: WebRTC VAD and Silero also decide per 10–30 ms). */
  frameMs?: number;
  /** Frames quieter than this are never speech (default −50 dBFS RMS). */
  minSpeechLevelDbFs?: number;
  /** Speech must be this far above the tracked noise floor (default 10 dB). */
  marginOverNoiseDb?: number;
  /** Speech must last this long before `speech_start` (default 100 ms: rejects clicks). */
  minSpeechMs?: number;
  /** Silence must last this long before `speech_end` (default 500 ms, OpenAI server_vad's silence_duration_ms). */
  minSilenceMs?: number;
}

/** A state change, at an absolute sample index of the pushed stream. */
export type VadEvent = { type: 'speech_start'; atSample: number } | { type: 'speech_end'; atSample: number };

// DC/rumble blocker: one-pole high-pass, y[n] = x[n] − x[n−1] + R·y[n−1], corner ≈ 80 Hz
// (below the lowest voice fundamental, above mains hum harmonics that dominate cheap microphones).
const HIGH_PASS_CORNER_HZ = 80;
/**
 * Noise floor = the quietest frame of the last 3 s ("minimum statistics", R. Martin, IEEE Trans.
 * Speech Audio Process. 9(5), 2001): speech pauses between words reach the floor well within 3 s,
 * while a rise in background noise is followed after at most 3 s.
 */
const NOISE_WINDOW_MS = 3000;
/** Energy added before the log so digital silence maps to a finite level (−120 dBFS). */
const ENERGY_EPSILON = 1e-12;

/**
 * Energy voice-activity detector with an adaptive noise floor and hysteresis, for live streams:
 * push 16 kHz (or `sampleRateHz`) mono audio in chunks of any size, get `speech_start` /
 * `speech_end` events. Deterministic and chunking-independent; allocation-free per frame.
 * Levels are dBFS RMS (a full-scale square wave is 0 dBFS, a full-scale sine −3 dBFS).
 */
export class EnergyVad {
  readonly #frameSamples: number;
  readonly #minSpeechLevelDbFs: number;
  readonly #marginOverNoiseDb: number;
  readonly #minSpeechFrames: number;
  readonly #minSilenceFrames: number;
  readonly #highPassR: number;
  /** Ring of the last frame levels (dBFS) for the noise floor. */
  readonly #levels: Float64Array;
  #levelCount = 0;
  #prevX = 0;
  #prevY = 0;
  #frameEnergy = 0;
  #frameFill = 0;
  /** Absolute index of the next sample. */
  #sample = 0;
  #noiseFloorDbFs = -Infinity;
  #isSpeech = false;
  /** Length and start sample of the current run of frames that disagree with the state. */
  #runFrames = 0;
  #runStart = 0;

  /** @throws AppError `REQUEST_INVALID` for non-positive rates or durations. */
  constructor(options: EnergyVadOptions = {}) {
    const rateHz = options.sampleRateHz ?? WHISPER_SAMPLE_RATE_HZ;
    const frameMs = options.frameMs ?? 20;
    const minSpeechMs = options.minSpeechMs ?? 100;
    const minSilenceMs = options.minSilenceMs ?? 500;
    if (!(rateHz > 0) || !(frameMs > 0) || !(minSpeechMs >= 0) || !(minSilenceMs >= 0)) {
      throw new AppError('REQUEST_INVALID', 'Cannot configure VAD: rates and durations must be positive');
    }
    this.#frameSamples = Math.max(1, Math.round((rateHz * frameMs) / 1000));
    this.#minSpeechLevelDbFs = options.minSpeechLevelDbFs ?? -50;
    this.#marginOverNoiseDb = options.marginOverNoiseDb ?? 10;
    this.#minSpeechFrames = Math.max(1, Math.ceil(minSpeechMs / frameMs));
    this.#minSilenceFrames = Math.max(1, Math.ceil(minSilenceMs / frameMs));
    this.#highPassR = Math.exp((-2 * Math.PI * HIGH_PASS_CORNER_HZ) / rateHz);
    this.#levels = new Float64Array(Math.max(1, Math.round(NOISE_WINDOW_MS / frameMs)));
  }

  /** True between `speech_start` and `speech_end`. */
  get isSpeech(): boolean {
    return this.#isSpeech;
  }

  /** Current noise-floor estimate, dBFS RMS (−Infinity before the first frame). */
  get noiseFloorDbFs(): number {
    return this.#noiseFloorDbFs;
  }

  /** Analyses `chunk` and returns the events it completed (usually none). */
  push(chunk: Float32Array): VadEvent[] {
    const events: VadEvent[] = [];
    const r = this.#highPassR;
    let prevX = this.#prevX;
    let prevY = this.#prevY;
    for (let i = 0; i < chunk.length; i++) {
      const x = chunk[i];
      const y = x - prevX + r * prevY;
      prevX = x;
      prevY = y;
      this.#frameEnergy += y * y;
      this.#frameFill += 1;
      if (this.#frameFill === this.#frameSamples) {
        const frameStart = this.#sample + i + 1 - this.#frameSamples;
        const event = this.#decide(frameStart, this.#frameEnergy / this.#frameSamples);
        if (event !== undefined) events.push(event);
        this.#frameEnergy = 0;
        this.#frameFill = 0;
      }
    }
    this.#prevX = prevX;
    this.#prevY = prevY;
    this.#sample += chunk.length;
    return events;
  }

  /** Ends the stream: an open utterance ends where its trailing silence began, or at the end. */
  flush(): VadEvent[] {
    if (!this.#isSpeech) return [];
    this.#isSpeech = false;
    return [{ type: 'speech_end', atSample: this.#runFrames > 0 ? this.#runStart : this.#sample }];
  }

  #decide(frameStart: number, meanSquare: number): VadEvent | undefined {
    const levelDbFs = 10 * Math.log10(meanSquare + ENERGY_EPSILON);
    const levels = this.#levels;
    levels[this.#levelCount % levels.length] = levelDbFs;
    this.#levelCount += 1;
    let floor = Infinity;
    for (let i = 0, n = Math.min(this.#levelCount, levels.length); i < n; i++)
      if (levels[i] < floor) floor = levels[i];
    this.#noiseFloorDbFs = floor;
    const isLoud = levelDbFs > this.#minSpeechLevelDbFs && levelDbFs > floor + this.#marginOverNoiseDb;
    if (isLoud === this.#isSpeech) {
      this.#runFrames = 0;
      return undefined;
    }
    if (this.#runFrames === 0) this.#runStart = frameStart;
    this.#runFrames += 1;
    const needed = this.#isSpeech ? this.#minSilenceFrames : this.#minSpeechFrames;
    if (this.#runFrames < needed) return undefined;
    this.#isSpeech = !this.#isSpeech;
    this.#runFrames = 0;
    return { type: this.#isSpeech ? 'speech_start' : 'speech_end', atSample: this.#runStart };
  }
}
