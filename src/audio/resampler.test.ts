import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { ComplexFft } from './fft.js';
import { resample } from './resampler.js';
import { StreamingResampler } from './streaming-resampler.js';
import { designResamplerKernel } from './resampler-kernel.js';
import { decodeWav } from './wav-decoder.js';
import { encodeWavFloat32 } from './wav-encoder.js';

const SOX_MIN_SNR_DB = 60;
/** Rates a server meets in practice, plus an odd one that takes the interpolated-table path. */
const SOX_RATES_HZ = [8000, 11025, 22050, 32000, 44100, 48000, 44056];

function hasSox(): boolean {
  try {
    execFileSync('sox', ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/** Resamples with `sox rate -v` (very high quality) through float WAV files. */
function soxResample(dir: string, x: Float32Array, fromHz: number, toHz: number): Float32Array {
  const src = join(dir, 'in.wav');
  const dst = join(dir, 'out.wav');
  writeFileSync(src, encodeWavFloat32(x, fromHz));
  execFileSync('sox', ['-D', src, '-e', 'floating-point', '-b', '32', dst, 'rate', '-v', String(toHz)], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  const out = decodeWav(new Uint8Array(readFileSync(dst)));
  assert.equal(out.sampleRateHz, toHz);
  return out.samples;
}

function lcg(seed: number): () => number {
  let s = seed;
  return () => {
    s = (s * 1103515245 + 12345) % 2147483648;
    return s / 2147483648 - 0.5;
  };
}

function snrDb(signalEnergy: number, errorEnergy: number): number {
  return 10 * Math.log10(signalEnergy / errorEnergy);
}

/**
 * SNR of `ours` against `ref` counting only frequencies up to `maxHz`: both are Hann-windowed
 * (so edge transients do not leak), transformed, and compared bin by bin.
 */
function passbandSnrDb(ref: Float32Array, ours: Float32Array, rateHz: number, maxHz: number): number {
  const n = Math.min(ref.length, ours.length);
  const fft = new ComplexFft(n);
  const spectrum = (x: Float32Array): [Float64Array, Float64Array] => {
    const re = new Float64Array(n);
    for (let i = 0; i < n; i++) re[i] = x[i] * (0.5 - 0.5 * Math.cos((2 * Math.PI * i) / n));
    const im = new Float64Array(n);
    fft.transform(re, im);
    return [re, im];
  };
  const [rr, ri] = spectrum(ref);
  const [or, oi] = spectrum(ours);
  let sig = 0;
  let err = 0;
  const maxBin = Math.floor((maxHz * n) / rateHz);
  for (let k = 0; k <= maxBin; k++) {
    sig += rr[k] ** 2 + ri[k] ** 2;
    err += (rr[k] - or[k]) ** 2 + (ri[k] - oi[k]) ** 2;
  }
  return snrDb(sig, err);
}

test('resample() matches sox `rate -v` with SNR >= 60 dB in the passband (sweeps and noise)', (t) => {
  if (!hasSox()) {
    t.skip('sox is not installed (Debian package sox); cannot compare against it');
    return;
  }
  const dir = mkdtempSync(join(tmpdir(), 'chorus-resample-'));
  try {
    const toHz = 16000;
    for (const fromHz of SOX_RATES_HZ) {
      const lowNyquistHz = Math.min(fromHz, toHz) / 2;
      // 1 s at the output rate = 16000 = 2^7·5^3 samples, an FFT-friendly length.
      const inLength = fromHz;
      // Linear sweep 20 Hz → 0.85·Nyquist of the lower rate: confined to the passband.
      const sweep = new Float32Array(inLength);
      const f1 = 0.85 * lowNyquistHz;
      const durSec = inLength / fromHz;
      for (let i = 0; i < inLength; i++) {
        const tSec = i / fromHz;
        sweep[i] = 0.5 * Math.sin(2 * Math.PI * (20 * tSec + ((f1 - 20) / (2 * durSec)) * tSec * tSec));
      }
      const refSweep = soxResample(dir, sweep, fromHz, toHz);
      const ourSweep = resample(sweep, fromHz, toHz);
      assert.ok(
        Math.abs(ourSweep.length - refSweep.length) <= 1,
        `${fromHz}: length ${ourSweep.length} vs ${refSweep.length}`,
      );
      // Time domain, edges excluded (both assume silence outside, but their filters differ in length).
      const edge = Math.round(0.05 * toHz);
      let sig = 0;
      let err = 0;
      for (let i = edge; i < Math.min(ourSweep.length, refSweep.length) - edge; i++) {
        sig += refSweep[i] ** 2;
        err += (refSweep[i] - ourSweep[i]) ** 2;
      }
      const sweepSnr = snrDb(sig, err);
      assert.ok(sweepSnr >= SOX_MIN_SNR_DB, `${fromHz} Hz sweep: SNR ${sweepSnr.toFixed(1)} dB`);

      // White noise over the whole input band: compare below 0.9·Nyquist of the lower rate, where
      // both filters are flat; anything aliased by either would show up here.
      const rand = lcg(fromHz);
      const noise = new Float32Array(inLength);
      for (let i = 0; i < inLength; i++) noise[i] = 0.5 * rand();
      const refNoise = soxResample(dir, noise, fromHz, toHz);
      const ourNoise = resample(noise, fromHz, toHz);
      const noiseSnr = passbandSnrDb(refNoise, ourNoise, toHz, 0.9 * lowNyquistHz);
      assert.ok(noiseSnr >= SOX_MIN_SNR_DB, `${fromHz} Hz noise: SNR ${noiseSnr.toFixed(1)} dB`);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('StreamingResampler gives exactly the one-shot result for any chunking', () => {
  fc.assert(
    fc.property(
      fc.constantFrom<[number, number]>(
        [44100, 16000],
        [8000, 16000],
        [48000, 16000],
        [22050, 16000],
        [44056, 16000],
      ),
      fc.array(fc.integer({ min: 0, max: 700 }), { minLength: 1, maxLength: 12 }),
      fc.integer({ min: 1, max: 1000 }),
      ([fromHz, toHz], chunkSizes, seed) => {
        const rand = lcg(seed);
        const total = chunkSizes.reduce((a, b) => a + b, 0);
        const x = new Float32Array(total);
        for (let i = 0; i < total; i++) x[i] = rand();
        const oneShot = resample(x, fromHz, toHz);
        const r = new StreamingResampler(fromHz, toHz);
        const parts: Float32Array[] = [];
        let at = 0;
        for (const size of chunkSizes) {
          parts.push(r.push(x.subarray(at, at + size)));
          at += size;
        }
        parts.push(r.flush());
        const streamed = new Float32Array(parts.reduce((a, p) => a + p.length, 0));
        let o = 0;
        for (const p of parts) {
          streamed.set(p, o);
          o += p.length;
        }
        assert.deepEqual(streamed, oneShot);
        assert.equal(r.outputCount, oneShot.length);
      },
    ),
    { numRuns: 20 },
  );
});

test('resample() keeps DC and has ceil(n·to/from) samples', () => {
  fc.assert(
    fc.property(
      fc.constantFrom(8000, 11025, 16000, 22050, 44100, 48000, 96000),
      fc.integer({ min: 0, max: 5000 }),
      fc.double({ min: -1, max: 1, noNaN: true }),
      (fromHz, n, level) => {
        const y = resample(new Float32Array(n).fill(level), fromHz, 16000);
        assert.equal(y.length, Math.ceil((n * 16000) / fromHz));
        // Away from the edges (where the signal steps from/to silence) DC passes unchanged.
        const margin = 200;
        for (let i = margin; i < y.length - margin; i++) assert.ok(Math.abs(y[i] - level) < 1e-5, `i ${i}`);
      },
    ),
    { numRuns: 20 },
  );
});

test('resample() removes a tone above the output Nyquist (no aliasing)', () => {
  const fromHz = 48000;
  const x = new Float32Array(48000);
  for (let i = 0; i < x.length; i++) x[i] = Math.sin((2 * Math.PI * 9000 * i) / fromHz);
  const y = resample(x, fromHz, 16000);
  let peak = 0;
  for (let i = 500; i < y.length - 500; i++) peak = Math.max(peak, Math.abs(y[i]));
  assert.ok(peak < 1e-4, `alias amplitude ${peak}`); // 9 kHz would fold to 7 kHz
});

test('StreamingResampler memory stays bounded over a long stream of small chunks', () => {
  const r = new StreamingResampler(44100, 16000);
  const chunk = new Float32Array(441).fill(0.25);
  let produced = 0;
  for (let i = 0; i < 500; i++) {
    produced += r.push(chunk).length;
    assert.ok(r.bufferCapacitySamples <= 4 * 454 + 2 * 441, `capacity ${r.bufferCapacitySamples}`);
  }
  produced += r.flush().length;
  assert.equal(produced, 500 * 160);
  assert.throws(() => r.push(chunk), { code: 'RESOURCE_CLOSED' });
});

test('StreamingResampler can share one designed kernel between streams', () => {
  const kernel = designResamplerKernel(44100, 16000);
  const x = new Float32Array(4410).map((_, i) => Math.sin(i * 0.03));
  const a = new StreamingResampler(44100, 16000, kernel);
  const shared = [...a.push(x), ...a.flush()];
  assert.deepEqual(Float32Array.from(shared), resample(x, 44100, 16000));
  assert.throws(() => new StreamingResampler(48000, 16000, kernel), { code: 'REQUEST_INVALID' });
});

test('StreamingResampler at equal rates passes samples through like resample()', () => {
  const x = Float32Array.of(0.1, -0.9, 0.99, 0);
  const r = new StreamingResampler(16000, 16000);
  assert.deepEqual(r.push(x), x);
  assert.equal(r.flush().length, 0);
  assert.deepEqual(resample(x, 16000, 16000), x);
});

test('resample() rejects implausible rates', () => {
  assert.throws(() => resample(new Float32Array(4), 0, 16000), { code: 'REQUEST_INVALID' });
  assert.throws(() => resample(new Float32Array(4), 44100.5, 16000), { code: 'REQUEST_INVALID' });
  assert.throws(() => new StreamingResampler(16000, 1e9), { code: 'REQUEST_INVALID' });
});
