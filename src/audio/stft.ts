import { RealFft } from './real-fft.js';

/** Periodic Hann window, w[n] = 0.5 − 0.5·cos(2πn/N) (torch.hann_window default, scipy sym=False). */
export function hannWindowPeriodic(lengthSamples: number): Float64Array {
  const w = new Float64Array(lengthSamples);
  for (let n = 0; n < lengthSamples; n++) w[n] = 0.5 - 0.5 * Math.cos((2 * Math.PI * n) / lengthSamples);
  return w;
}

/**
 * Power spectra of centred, Hann-windowed frames (torch.stft center=True, pad_mode='reflect').
 * A frame centred at sample c covers [c − N/2, c + N/2) of the signal, where the signal is `x`
 * (zeros after `dataLengthSamples`) mirrored without repeating the edge sample at 0 and at
 * `reflectLengthSamples − 1` (numpy `pad(mode='reflect')`). Allocation-free after construction.
 */
export class PowerStft {
  readonly nFftSamples: number;
  readonly binCount: number;
  readonly #fft: RealFft;
  readonly #window: Float64Array;
  readonly #frame: Float64Array;

  constructor(nFftSamples: number) {
    this.nFftSamples = nFftSamples;
    this.#fft = new RealFft(nFftSamples);
    this.binCount = this.#fft.binCount;
    this.#window = hannWindowPeriodic(nFftSamples);
    this.#frame = new Float64Array(nFftSamples);
  }

  /** Writes |rfft(window · frame)|² of the frame centred at `centerSample` into `out` (binCount). */
  framePowerInto(
    out: Float64Array,
    x: Float32Array,
    dataLengthSamples: number,
    reflectLengthSamples: number,
    centerSample: number,
  ): Float64Array {
    const n = this.nFftSamples;
    const w = this.#window;
    const f = this.#frame;
    const start = centerSample - (n >> 1);
    if (start >= 0 && start + n <= dataLengthSamples && start + n <= reflectLengthSamples) {
      for (let i = 0; i < n; i++) f[i] = x[start + i] * w[i];
    } else {
      const last = reflectLengthSamples - 1;
      for (let i = 0; i < n; i++) {
        let j = last === 0 ? 0 : start + i;
        // Repeated mirroring also covers pads longer than the signal (numpy does the same).
        while (j < 0 || j > last) j = j < 0 ? -j : 2 * last - j;
        f[i] = (j < dataLengthSamples ? x[j] : 0) * w[i];
      }
    }
    return this.#fft.powerSpectrumInto(out, f);
  }
}
