import { AppError } from '../shared/index.js';
import { ComplexFft } from './fft.js';

/**
 * Forward DFT of a real signal of even length N through one complex FFT of length N/2: the even
 * and odd samples are packed as z[j] = x[2j] + i·x[2j+1], then split with
 * X[k] = E[k] + e^(−2πik/N)·O[k], E = (Z[k] + conj Z[N/2−k])/2, O = (Z[k] − conj Z[N/2−k])/(2i).
 * Gives the N/2 + 1 non-negative-frequency bins (numpy `rfft`). Allocation-free after construction.
 */
export class RealFft {
  readonly size: number;
  /** Number of output bins, N/2 + 1. */
  readonly binCount: number;
  readonly #half: ComplexFft;
  readonly #zRe: Float64Array;
  readonly #zIm: Float64Array;
  readonly #wRe: Float64Array;
  readonly #wIm: Float64Array;

  /** @throws AppError `REQUEST_INVALID` unless `size` is an even positive integer. */
  constructor(size: number) {
    if (!Number.isInteger(size) || size < 2 || size % 2 !== 0) {
      throw new AppError('REQUEST_INVALID', `Cannot plan real FFT: size ${size} is not even and positive`);
    }
    this.size = size;
    const h = size / 2;
    this.binCount = h + 1;
    this.#half = new ComplexFft(h);
    this.#zRe = new Float64Array(h);
    this.#zIm = new Float64Array(h);
    this.#wRe = new Float64Array(h + 1);
    this.#wIm = new Float64Array(h + 1);
    for (let k = 0; k <= h; k++) {
      this.#wRe[k] = Math.cos((-2 * Math.PI * k) / size);
      this.#wIm[k] = Math.sin((-2 * Math.PI * k) / size);
    }
  }

  /** Packs `input` (length N) into the half-size complex buffer and transforms it. */
  #forward(input: Float64Array): void {
    const zr = this.#zRe;
    const zi = this.#zIm;
    for (let j = 0, h = zr.length; j < h; j++) {
      zr[j] = input[2 * j];
      zi[j] = input[2 * j + 1];
    }
    this.#half.transform(zr, zi);
  }

  /** Writes |X[k]|², k = 0..N/2, into `out`. */
  powerSpectrumInto(out: Float64Array, input: Float64Array): Float64Array {
    this.#forward(input);
    const zr = this.#zRe;
    const zi = this.#zIm;
    const wr = this.#wRe;
    const wi = this.#wIm;
    const h = zr.length;
    // k = 0 and k = N/2 pair Z[0] with itself: X[0] = Re+Im, X[N/2] = Re−Im (both real).
    const dc = zr[0] + zi[0];
    const nyq = zr[0] - zi[0];
    out[0] = dc * dc;
    out[h] = nyq * nyq;
    for (let k = 1; k < h; k++) {
      const ar = zr[k];
      const ai = zi[k];
      const br = zr[h - k];
      const bi = -zi[h - k];
      const er = 0.5 * (ar + br);
      const ei = 0.5 * (ai + bi);
      // O = (A − B)/(2i) = ((A−B).im, −(A−B).re)/2
      const or = 0.5 * (ai - bi);
      const oi = -0.5 * (ar - br);
      const xr = er + or * wr[k] - oi * wi[k];
      const xi = ei + or * wi[k] + oi * wr[k];
      out[k] = xr * xr + xi * xi;
    }
    return out;
  }

  /** Writes the complex bins X[k], k = 0..N/2, into (`outRe`, `outIm`). */
  spectrumInto(outRe: Float64Array, outIm: Float64Array, input: Float64Array): void {
    this.#forward(input);
    const zr = this.#zRe;
    const zi = this.#zIm;
    const h = zr.length;
    outRe[0] = zr[0] + zi[0];
    outIm[0] = 0;
    outRe[h] = zr[0] - zi[0];
    outIm[h] = 0;
    for (let k = 1; k < h; k++) {
      const ar = zr[k];
      const ai = zi[k];
      const br = zr[h - k];
      const bi = -zi[h - k];
      const or = 0.5 * (ai - bi);
      const oi = -0.5 * (ar - br);
      outRe[k] = 0.5 * (ar + br) + or * this.#wRe[k] - oi * this.#wIm[k];
      outIm[k] = 0.5 * (ai + bi) + or * this.#wIm[k] + oi * this.#wRe[k];
    }
  }
}
