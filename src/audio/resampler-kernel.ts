import { AppError } from '../shared/index.js';
import { MAX_SAMPLE_RATE_HZ, MIN_SAMPLE_RATE_HZ } from './decoded-audio.js';

// Filter design (Kaiser window method; Kaiser 1974, "Nonrecursive digital filter design using the
// I0-sinh window function"; formulas as in Oppenheim & Schafer, Discrete-Time Signal Processing,
// 3rd ed., §7.6). Relative to the lower of the two rates' Nyquist frequency:
/** Flat (ripple ≤ 1e-5) up to 92 %: Whisper's top mel band ends at Nyquist, keep nearly all of it. */
const PASSBAND_EDGE = 0.92;
/** Fully attenuated from Nyquist on: nothing aliases (like sox `rate`, which does not alias by default). */
const STOPBAND_EDGE = 1.0;
/** 100 dB: far below 16-bit quantisation noise (≈ 98 dB), so resampling adds no audible alias. */
const STOPBAND_ATTENUATION_DB = 100;
/** O&S eq. 7.62, A > 50 dB. */
const KAISER_BETA = 0.1102 * (STOPBAND_ATTENUATION_DB - 8.7);
/** O&S eq. 7.63: taps = (A − 8) / (2.285 · Δω), Δω in rad/sample at the lower rate. */
const HALF_WIDTH_LOW_SAMPLES = Math.ceil(
  (STOPBAND_ATTENUATION_DB - 8) / (2.285 * Math.PI * (STOPBAND_EDGE - PASSBAND_EDGE)) / 2,
);
/** Exact rational polyphase up to this many phases; beyond, a finer table with interpolation. */
const MAX_EXACT_PHASES = 1024;
/** Table memory cap for the exact polyphase table, in coefficients (4 MiB of float32). */
const MAX_EXACT_TABLE_COEFFS = 1 << 20;
/** Phases of the interpolated table: linear interpolation error ≈ (π/512)²/8 ≈ 5e-6 (−106 dB). */
const INTERPOLATED_PHASES = 512;

/** A polyphase windowed-sinc kernel for converting `fromHz` to `toHz`. */
export interface ResamplerKernel {
  fromHz: number;
  toHz: number;
  /** Output step in input samples is `inStep / outStep` (reduced fraction fromHz/toHz). */
  inStep: number;
  outStep: number;
  /** Taps per output sample (even); output at input time t uses samples floor(t) − half + 1 … floor(t) + half. */
  tapCount: number;
  /** Rows of `tapCount` coefficients; row p is the kernel for fractional time p / phaseCount. */
  phaseCount: number;
  /** True when phaseCount === outStep (every fraction has its own row, no interpolation). */
  isExact: boolean;
  /** (phaseCount + 1) rows, the last equal to phase 1.0 for interpolation. */
  table: Float32Array;
}

function gcd(a: number, b: number): number {
  while (b !== 0) [a, b] = [b, a % b];
  return a;
}

/** Zeroth-order modified Bessel function of the first kind, by its power series (converges fast for x < 50). */
function besselI0(x: number): number {
  let sum = 1;
  let term = 1;
  const q = (x * x) / 4;
  for (let k = 1; k < 200; k++) {
    term *= q / (k * k);
    sum += term;
    if (term < sum * 1e-17) break;
  }
  return sum;
}

/** Throws `REQUEST_INVALID` unless the rate is an integer within the supported range. */
export function checkRate(hz: number, what: string): void {
  if (!Number.isInteger(hz) || hz < MIN_SAMPLE_RATE_HZ || hz > MAX_SAMPLE_RATE_HZ) {
    throw new AppError(
      'REQUEST_INVALID',
      `Cannot resample: ${what} rate ${hz} Hz is not an integer in ${MIN_SAMPLE_RATE_HZ}..${MAX_SAMPLE_RATE_HZ}`,
    );
  }
}

/**
 * Designs the kernel: h(t) = 2fc·sinc(2fc·t)·kaiser(t / half) with fc the cutoff in cycles per
 * input sample, each phase row normalised to unit sum so DC passes exactly.
 * @throws AppError `REQUEST_INVALID` for rates outside the supported range.
 */
export function designResamplerKernel(fromHz: number, toHz: number): ResamplerKernel {
  checkRate(fromHz, 'input');
  checkRate(toHz, 'output');
  const g = gcd(fromHz, toHz);
  const inStep = fromHz / g;
  const outStep = toHz / g;
  const lowHz = Math.min(fromHz, toHz);
  const cutoff = (((PASSBAND_EDGE + STOPBAND_EDGE) / 2) * (lowHz / 2)) / fromHz;
  const halfWidthIn = HALF_WIDTH_LOW_SAMPLES * (fromHz / lowHz);
  const half = Math.ceil(halfWidthIn);
  const tapCount = 2 * half;
  const isExact = outStep <= MAX_EXACT_PHASES && outStep * tapCount <= MAX_EXACT_TABLE_COEFFS;
  const phaseCount = isExact ? outStep : INTERPOLATED_PHASES;
  const table = new Float32Array((phaseCount + 1) * tapCount);
  const i0Beta = besselI0(KAISER_BETA);
  const row = new Float64Array(tapCount);
  for (let p = 0; p <= phaseCount; p++) {
    const frac = p / phaseCount;
    let sum = 0;
    for (let j = 0; j < tapCount; j++) {
      const t = frac + half - 1 - j;
      const r = t / halfWidthIn;
      let h = 0;
      if (Math.abs(r) < 1) {
        const x = 2 * cutoff * t;
        const sinc = x === 0 ? 1 : Math.sin(Math.PI * x) / (Math.PI * x);
        h = 2 * cutoff * sinc * (besselI0(KAISER_BETA * Math.sqrt(1 - r * r)) / i0Beta);
      }
      row[j] = h;
      sum += h;
    }
    for (let j = 0; j < tapCount; j++) table[p * tapCount + j] = row[j] / sum;
  }
  return { fromHz, toHz, inStep, outStep, tapCount, phaseCount, isExact, table };
}
