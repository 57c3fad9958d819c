import { AppError } from '../shared/index.js';

/** Options of {@link melFilterBank}; defaults are Whisper's (librosa `filters.mel(sr=16000, n_fft=400)`). */
export interface MelFilterBankOptions {
  nMels: number;
  nFftSamples?: number;
  sampleRateHz?: number;
  melMinHz?: number;
  /** Upper edge; default sampleRateHz / 2. */
  melMaxHz?: number;
}

/** A [nMels, nBins] filter matrix, row-major, with each row's non-zero span for sparse products. */
export interface MelFilterBank {
  data: Float32Array;
  nMels: number;
  nBins: number;
  /** First non-zero bin of each row. */
  firstBin: Int32Array;
  /** One past the last non-zero bin of each row. */
  endBin: Int32Array;
}

// Slaney's Auditory Toolbox mel scale (librosa htk=False): linear below 1 kHz (200/3 Hz per mel),
// logarithmic above with 27 mels per factor 6.4; ref: librosa/filters.py (hz_to_mel, mel_to_hz).
const LINEAR_HZ_PER_MEL = 200 / 3;
const BREAK_HZ = 1000;
const BREAK_MEL = BREAK_HZ / LINEAR_HZ_PER_MEL;
const LOG_STEP = Math.log(6.4) / 27;

/** Slaney mel of a frequency. */
export function hzToMelSlaney(hz: number): number {
  return hz < BREAK_HZ ? hz / LINEAR_HZ_PER_MEL : BREAK_MEL + Math.log(hz / BREAK_HZ) / LOG_STEP;
}

/** Frequency of a Slaney mel. */
export function melToHzSlaney(mel: number): number {
  return mel < BREAK_MEL ? mel * LINEAR_HZ_PER_MEL : BREAK_HZ * Math.exp(LOG_STEP * (mel - BREAK_MEL));
}

/** numpy.linspace(start, stop, num)[i]: start + i·step, with the last point exactly `stop`. */
function linspaceAt(start: number, stop: number, num: number, i: number): number {
  if (i === num - 1) return stop;
  return start + i * ((stop - start) / (num - 1));
}

/**
 * Triangular mel filters on the rfft bins with Slaney area normalisation (each triangle scaled by
 * 2 / its width in Hz), computed in float64 and stored as float32 like Whisper's
 * `mel_filters.npz` (librosa 0.8 `filters.mel(sr, n_fft, n_mels)`, htk=False, norm='slaney').
 * @throws AppError `REQUEST_INVALID` for non-positive sizes or an empty frequency range.
 */
export function melFilterBank(options: MelFilterBankOptions): MelFilterBank {
  const nMels = options.nMels;
  const nFft = options.nFftSamples ?? 400;
  const sampleRateHz = options.sampleRateHz ?? 16_000;
  const melMinHz = options.melMinHz ?? 0;
  const melMaxHz = options.melMaxHz ?? sampleRateHz / 2;
  if (
    !Number.isInteger(nMels) ||
    nMels < 1 ||
    !Number.isInteger(nFft) ||
    nFft < 2 ||
    !(melMaxHz > melMinHz)
  ) {
    throw new AppError('REQUEST_INVALID', `Cannot build mel filters: nMels ${nMels}, nFft ${nFft}`);
  }
  const nBins = Math.floor(nFft / 2) + 1;
  const fftHz = new Float64Array(nBins);
  for (let k = 0; k < nBins; k++) fftHz[k] = linspaceAt(0, sampleRateHz / 2, nBins, k);
  const melLo = hzToMelSlaney(melMinHz);
  const melHi = hzToMelSlaney(melMaxHz);
  const ptsHz = new Float64Array(nMels + 2);
  for (let i = 0; i < nMels + 2; i++) ptsHz[i] = melToHzSlaney(linspaceAt(melLo, melHi, nMels + 2, i));

  const data = new Float32Array(nMels * nBins);
  const firstBin = new Int32Array(nMels);
  const endBin = new Int32Array(nMels);
  for (let i = 0; i < nMels; i++) {
    const lower = ptsHz[i];
    const center = ptsHz[i + 1];
    const upper = ptsHz[i + 2];
    const enorm = 2 / (upper - lower);
    let first = nBins;
    let end = 0;
    for (let k = 0; k < nBins; k++) {
      const rising = (fftHz[k] - lower) / (center - lower);
      const falling = (upper - fftHz[k]) / (upper - center);
      const w = Math.max(0, Math.min(rising, falling)) * enorm;
      data[i * nBins + k] = w;
      if (data[i * nBins + k] !== 0) {
        if (first === nBins) first = k;
        end = k + 1;
      }
    }
    firstBin[i] = first === nBins ? 0 : first;
    endBin[i] = end;
  }
  return { data, nMels, nBins, firstBin, endBin };
}
