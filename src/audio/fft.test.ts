import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { ComplexFft, factorize } from './fft.js';
import { RealFft } from './real-fft.js';

/** O(n²) DFT, the textbook definition, as the reference. */
function naiveDft(re: Float64Array, im: Float64Array): [Float64Array, Float64Array] {
  const n = re.length;
  const outRe = new Float64Array(n);
  const outIm = new Float64Array(n);
  for (let k = 0; k < n; k++) {
    let sr = 0;
    let si = 0;
    for (let j = 0; j < n; j++) {
      const a = (-2 * Math.PI * ((j * k) % n)) / n;
      sr += re[j] * Math.cos(a) - im[j] * Math.sin(a);
      si += re[j] * Math.sin(a) + im[j] * Math.cos(a);
    }
    outRe[k] = sr;
    outIm[k] = si;
  }
  return [outRe, outIm];
}

const sizes = [1, 2, 3, 4, 5, 6, 7, 8, 12, 25, 49, 77, 100, 121, 200, 210, 256, 400];

test('ComplexFft matches the naive DFT for sizes with every radix (2, 3, 4, 5, generic)', () => {
  fc.assert(
    fc.property(fc.constantFrom(...sizes), fc.integer({ min: 0, max: 1e6 }), (n, seed) => {
      const re = new Float64Array(n);
      const im = new Float64Array(n);
      let s = seed + 1;
      for (let i = 0; i < n; i++) {
        s = (s * 16807) % 2147483647;
        re[i] = s / 2147483647 - 0.5;
        s = (s * 16807) % 2147483647;
        im[i] = s / 2147483647 - 0.5;
      }
      const [er, ei] = naiveDft(re, im);
      new ComplexFft(n).transform(re, im);
      for (let k = 0; k < n; k++) {
        assert.ok(Math.abs(re[k] - er[k]) < 1e-9 * n && Math.abs(im[k] - ei[k]) < 1e-9 * n, `n ${n} k ${k}`);
      }
    }),
    { numRuns: 60 },
  );
});

test('factorize() multiplies back to n and prefers radix 4', () => {
  for (const n of [1, 200, 400, 1024, 97, 2 * 3 * 5 * 7 * 11 * 13]) {
    assert.equal(
      factorize(n).reduce((a, b) => a * b, 1),
      n,
    );
  }
  assert.deepEqual(factorize(200), [4, 2, 5, 5]);
});

test('RealFft matches the naive DFT of a real signal (n = 400) and its power spectrum', () => {
  const n = 400;
  const x = new Float64Array(n);
  for (let i = 0; i < n; i++) x[i] = Math.sin(i * 0.37) + 0.1 * ((i * 7919) % 13) - 0.6;
  const [er, ei] = naiveDft(x, new Float64Array(n));
  const fft = new RealFft(n);
  const re = new Float64Array(201);
  const im = new Float64Array(201);
  fft.spectrumInto(re, im, x);
  const pow = fft.powerSpectrumInto(new Float64Array(201), x);
  for (let k = 0; k <= 200; k++) {
    assert.ok(Math.abs(re[k] - er[k]) < 1e-9 && Math.abs(im[k] - ei[k]) < 1e-9, `bin ${k}`);
    assert.ok(Math.abs(pow[k] - (er[k] ** 2 + ei[k] ** 2)) < 1e-8 * (1 + pow[k]), `power ${k}`);
  }
});

test('RealFft and ComplexFft reject sizes they cannot plan', () => {
  assert.throws(() => new RealFft(401), { code: 'REQUEST_INVALID' });
  assert.throws(() => new ComplexFft(0), { code: 'REQUEST_INVALID' });
});
