import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { LogMelExtractor, logMel, logMelLongForm, melWindowInto } from './log-mel.js';
import { decodeWav } from './wav-decoder.js';

const FIXTURES = join(import.meta.dirname, '../../test/fixtures/audio');
/** Budget from the issue; float64 TS vs float64 NumPy lands near 1e-6. */
const MAX_ABS_ERROR = 1e-4;

interface MelCase {
  input: string;
  nMels: 80 | 128;
  form: 'short' | 'long';
  nFrames: number;
  storedFrames: number;
  expected: string;
}

function readF32(path: string): Float32Array {
  const b = readFileSync(path);
  return new Float32Array(b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength));
}

const manifest = JSON.parse(readFileSync(join(FIXTURES, 'mel-fixtures.json'), 'utf8')) as {
  cases: MelCase[];
};

for (const c of manifest.cases) {
  test(`logMel() matches the NumPy reference on ${c.input} (${c.nMels} mels, ${c.form}-form) within 1e-4`, () => {
    const pcm = decodeWav(new Uint8Array(readFileSync(join(FIXTURES, c.input)))).samples;
    const mel =
      c.form === 'short'
        ? logMel(pcm, { nMels: c.nMels, nFrames: c.nFrames })
        : logMelLongForm(pcm, { nMels: c.nMels });
    assert.equal(mel.nMels, c.nMels);
    assert.equal(mel.nFrames, c.nFrames);
    assert.equal(mel.data.length, c.nMels * c.nFrames);
    const expected = readF32(join(FIXTURES, c.expected));
    assert.equal(expected.length, c.nMels * c.storedFrames);
    let worst = 0;
    for (let m = 0; m < c.nMels; m++) {
      for (let t = 0; t < c.storedFrames; t++) {
        const err = Math.abs(mel.data[m * c.nFrames + t] - expected[m * c.storedFrames + t]);
        if (!(err <= worst)) worst = err;
      }
    }
    assert.ok(worst <= MAX_ABS_ERROR, `max abs error ${worst}`);
  });
}

test('logMel() of digital silence is exactly -1.5 everywhere, for 80 and 128 mels and 3000 frames', () => {
  for (const nMels of [80, 128] as const) {
    const mel = logMel(new Float32Array(1000), { nMels });
    assert.equal(mel.nFrames, 3000);
    assert.equal(mel.data.length, nMels * 3000);
    for (let i = 0; i < mel.data.length; i++)
      if (mel.data[i] !== -1.5) assert.fail(`value ${mel.data[i]} at ${i}`);
  }
});

test('logMel() keeps at most 8 log10 units of dynamic range (2 after scaling)', () => {
  fc.assert(
    fc.property(fc.float32Array({ minLength: 400, maxLength: 2000, min: -1, max: 1, noNaN: true }), (x) => {
      const mel = logMel(x, { nMels: 80, nFrames: 20 });
      let lo = Infinity;
      let hi = -Infinity;
      for (const v of mel.data) {
        lo = Math.min(lo, v);
        hi = Math.max(hi, v);
      }
      // (x + 4)/4 maps a range of 8 to 2 (float32 rounding aside).
      assert.ok(hi - lo <= 2 + 1e-6, `range ${hi - lo}`);
    }),
    { numRuns: 25 },
  );
});

test('logMel() of a pure tone peaks in a mel filter whose band contains the tone', () => {
  // Band edges from the Slaney formula, written out here (not taken from melFilterBank()).
  const hzToMel = (f: number): number =>
    f < 1000 ? (3 * f) / 200 : 15 + Math.log(f / 1000) / (Math.log(6.4) / 27);
  const melToHz = (m: number): number =>
    m < 15 ? (200 * m) / 3 : 1000 * Math.exp((Math.log(6.4) / 27) * (m - 15));
  fc.assert(
    fc.property(
      fc.double({ min: 150, max: 7600, noNaN: true }),
      fc.constantFrom(80 as const, 128 as const),
      (hz, nMels) => {
        const x = new Float32Array(3200);
        for (let i = 0; i < x.length; i++) x[i] = 0.5 * Math.sin((2 * Math.PI * hz * i) / 16000);
        const mel = logMel(x, { nMels, nFrames: 20 });
        let best = 0;
        for (let m = 1; m < nMels; m++) if (mel.data[m * 20 + 10] > mel.data[best * 20 + 10]) best = m;
        const step = hzToMel(8000) / (nMels + 1);
        const lo = melToHz(best * step);
        const hi = melToHz((best + 2) * step);
        // One FFT bin (40 Hz) of slack: the Hann main lobe spreads the tone over ±2 bins.
        assert.ok(hz > lo - 40 && hz < hi + 40, `${hz} Hz peaked in mel ${best} (${lo}..${hi} Hz)`);
      },
    ),
    { numRuns: 40 },
  );
});

test('logMel() trims audio beyond nFrames·160 samples: only the window is seen', () => {
  const x = new Float32Array(8000);
  for (let i = 0; i < x.length; i++) x[i] = 0.5 * Math.sin(i * 0.3) * (i >= 3200 + 400 ? 10 : 1);
  const a = logMel(x, { nMels: 80, nFrames: 20 });
  const b = logMel(x.subarray(0, 3200), { nMels: 80, nFrames: 20 });
  assert.deepEqual(a.data, b.data);
});

test('logMelLongForm() has floor(len/160) frames and agrees with one window where the max is the same', () => {
  const x = new Float32Array(16_000 + 37);
  for (let i = 0; i < x.length; i++) x[i] = 0.2 * Math.sin(i * 0.05) + 0.05 * Math.sin(i * 1.3);
  const long = logMelLongForm(x, { nMels: 80 });
  assert.equal(long.nFrames, 100);
  assert.equal(logMelLongForm(new Float32Array(159), { nMels: 80 }).nFrames, 0);
  // A short-form window of 120 frames sees the same audio followed by zeros; the loud stationary
  // tone dominates both maxima, so interior frames must agree.
  const short = logMel(x, { nMels: 80, nFrames: 120 });
  for (let m = 0; m < 80; m++) {
    for (let t = 0; t < 100; t++) {
      assert.ok(Math.abs(long.data[m * 100 + t] - short.data[m * 120 + t]) < 1e-5, `m ${m} t ${t}`);
    }
  }
});

test('melWindowInto() copies frames and pads with 0.0 past the end', () => {
  const mel = { nMels: 2, nFrames: 5, data: Float32Array.of(1, 2, 3, 4, 5, 6, 7, 8, 9, 10) };
  const out = new Float32Array(2 * 4).fill(NaN);
  assert.deepEqual(melWindowInto(out, mel, 3, 4), Float32Array.of(4, 5, 0, 0, 9, 10, 0, 0));
  assert.deepEqual(melWindowInto(out, mel, 7, 4), new Float32Array(8));
  assert.deepEqual(melWindowInto(new Float32Array(4), mel, 1, 2), Float32Array.of(2, 3, 7, 8));
  assert.throws(() => melWindowInto(new Float32Array(3), mel, 0, 2), { code: 'REQUEST_INVALID' });
  assert.throws(() => melWindowInto(out, mel, -1, 2), { code: 'REQUEST_INVALID' });
});

test('LogMelExtractor rejects unsupported mel counts and too few frames', () => {
  assert.throws(() => new LogMelExtractor(64 as 80), { code: 'REQUEST_INVALID' });
  assert.throws(() => logMel(new Float32Array(10), { nMels: 80, nFrames: 1 }), { code: 'REQUEST_INVALID' });
  assert.throws(() => logMel(new Float32Array(10), { nMels: 80, nFrames: 1e12 }), {
    code: 'REQUEST_INVALID',
  });
  assert.throws(() => logMel(new Float32Array(10), { nMels: 80, nFrames: NaN }), { code: 'REQUEST_INVALID' });
  const ex = new LogMelExtractor(80);
  assert.throws(() => ex.logMelInto(new Float32Array(10), new Float32Array(10), 3000), {
    code: 'REQUEST_INVALID',
  });
});

test('LogMelExtractor is reusable: a second call gives the same result', () => {
  const ex = new LogMelExtractor(128);
  const x = new Float32Array(4000).map((_, i) => Math.sin(i * 0.01 * (1 + (i % 7))));
  const a = ex.logMelInto(new Float32Array(128 * 30), x, 30);
  ex.logMelInto(new Float32Array(128 * 30), new Float32Array(4000).fill(0.3), 30);
  assert.deepEqual(ex.logMelInto(new Float32Array(128 * 30), x, 30), a);
});
