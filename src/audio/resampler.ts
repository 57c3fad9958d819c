import { StreamingResampler } from './streaming-resampler.js';
import { checkRate } from './resampler-kernel.js';

/**
 * Converts `input` from `fromHz` to `toHz` with the band-limited polyphase filter of
 * {@link StreamingResampler} (flat to 92 % of the lower Nyquist, 100 dB stopband from Nyquist).
 * Returns ceil(length · toHz / fromHz) samples; equal rates return a copy.
 * @throws AppError `REQUEST_INVALID` for rates that are not integers in 1 kHz … 768 kHz.
 */
export function resample(input: Float32Array, fromHz: number, toHz: number): Float32Array {
  checkRate(fromHz, 'input');
  checkRate(toHz, 'output');
  if (fromHz === toHz) return input.slice();
  const r = new StreamingResampler(fromHz, toHz);
  const head = r.push(input);
  const tail = r.flush();
  const out = new Float32Array(head.length + tail.length);
  out.set(head);
  out.set(tail, head.length);
  return out;
}
