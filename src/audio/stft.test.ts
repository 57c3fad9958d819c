import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { PowerStft, hannWindowPeriodic } from './stft.js';

test('hannWindowPeriodic(400) is the periodic Hann: w[0] = 0, w[200] = 1, symmetric about 200', () => {
  const w = hannWindowPeriodic(400);
  assert.equal(w[0], 0);
  assert.equal(w[200], 1);
  for (let n = 1; n < 200; n++) assert.ok(Math.abs(w[n] - w[400 - n]) < 1e-15);
});

test('PowerStft: a pure tone on bin k peaks in bin k', () => {
  const stft = new PowerStft(400);
  const power = new Float64Array(201);
  fc.assert(
    fc.property(
      fc.integer({ min: 2, max: 198 }),
      fc.double({ min: 0, max: 2 * Math.PI, noNaN: true }),
      (k, phase) => {
        const x = new Float32Array(2000);
        for (let i = 0; i < x.length; i++) x[i] = 0.5 * Math.cos((2 * Math.PI * k * i) / 400 + phase);
        stft.framePowerInto(power, x, x.length, x.length, 800);
        let best = 0;
        for (let b = 1; b < 201; b++) if (power[b] > power[best]) best = b;
        assert.equal(best, k);
        // Periodic Hann of a bin-centred tone: |X[k]| = A·N/4 (coherent gain 1/2, half in +k).
        assert.ok(Math.abs(Math.sqrt(power[k]) - (0.5 * 400) / 4) < 1e-3);
      },
    ),
    { numRuns: 50 },
  );
});

test('PowerStft reflects at the edges like numpy pad(mode="reflect")', () => {
  const x = new Float32Array(600);
  for (let i = 0; i < x.length; i++) x[i] = Math.sin(i * 0.1) + i / 600;
  // Explicit reflect padding by 200, then the frame at padded offset 0 is fully interior.
  const padded = new Float32Array(1000);
  for (let i = 0; i < 1000; i++) {
    const j = i - 200;
    padded[i] = x[j < 0 ? -j : j >= 600 ? 2 * 599 - j : j];
  }
  const stft = new PowerStft(400);
  for (const center of [0, 160, 480, 600]) {
    const a = stft.framePowerInto(new Float64Array(201), x, 600, 600, center);
    const b = stft.framePowerInto(new Float64Array(201), padded, 1000, 1000, center + 200);
    for (let k = 0; k < 201; k++)
      assert.ok(Math.abs(a[k] - b[k]) < 1e-9 * (1 + b[k]), `center ${center} bin ${k}`);
  }
});

test('PowerStft treats samples past dataLength as zeros', () => {
  const x = new Float32Array(1000).fill(0.7);
  const stft = new PowerStft(400);
  const a = stft.framePowerInto(new Float64Array(201), x, 500, 100_000, 500);
  const y = new Float32Array(1000);
  y.fill(0.7, 0, 500);
  const b = stft.framePowerInto(new Float64Array(201), y, 1000, 100_000, 500);
  assert.deepEqual(a, b);
});
