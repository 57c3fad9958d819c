import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { logMel } from './log-mel.js';
import { StreamingLogMel } from './streaming-log-mel.js';

function signal(n: number, seed: number): Float32Array {
  const x = new Float32Array(n);
  let s = seed;
  for (let i = 0; i < n; i++) {
    s = (s * 1103515245 + 12345) % 2147483648;
    x[i] = 0.3 * Math.sin(i * 0.013 * (1 + (seed % 5))) + 0.1 * (s / 2147483648 - 0.5);
  }
  return x;
}

test('StreamingLogMel.windowInto() equals logMel() of the same slice, for any pushes, windows and discards', () => {
  fc.assert(
    fc.property(
      fc.integer({ min: 1, max: 10_000 }),
      fc.array(fc.integer({ min: 0, max: 3000 }), { minLength: 1, maxLength: 8 }),
      fc.array(fc.tuple(fc.nat(40), fc.nat(60), fc.boolean(), fc.integer({ min: 2, max: 60 })), {
        maxLength: 6,
      }),
      fc.constantFrom(80 as const, 128 as const),
      (seed, pushes, windows, nMels) => {
        const total = pushes.reduce((a, b) => a + b, 0);
        const x = signal(total, seed);
        const s = new StreamingLogMel({ nMels });
        let at = 0;
        for (const size of pushes) {
          s.push(x.subarray(at, at + size));
          at += size;
          for (const [startHop, lenHop, isOffGrid, nFrames] of windows) {
            // Windows mostly frame-aligned (the cached path), some off-grid (the fallback path).
            const start = Math.min(s.startSample + startHop * 160 + (isOffGrid ? 37 : 0), s.endSample);
            const end = Math.min(start + lenHop * 97, s.endSample);
            const got = s.windowInto(new Float32Array(nMels * nFrames), start, end, nFrames);
            const want = logMel(x.subarray(start, end), { nMels, nFrames }).data;
            assert.deepEqual(got, want);
          }
          if (at > 4000) s.discardBefore(at - 3000);
        }
      },
    ),
    { numRuns: 40 },
  );
});

test('StreamingLogMel bounds its buffer and rejects windows outside it', () => {
  const s = new StreamingLogMel({ nMels: 80, maxBufferedSamples: 1000 });
  s.push(new Float32Array(1000));
  assert.throws(() => s.push(new Float32Array(1)), { code: 'AUDIO_FRAME_TOO_LARGE' });
  s.discardBefore(500);
  assert.equal(s.startSample, 500);
  s.push(new Float32Array(500));
  assert.equal(s.endSample, 1500);
  assert.throws(() => s.windowInto(new Float32Array(80 * 10), 0, 1000, 10), { code: 'REQUEST_INVALID' });
  assert.throws(() => s.windowInto(new Float32Array(80 * 10), 600, 1600, 10), { code: 'REQUEST_INVALID' });
  assert.throws(() => s.windowInto(new Float32Array(10), 600, 1000, 10), { code: 'REQUEST_INVALID' });
  const silent = s.windowInto(new Float32Array(80 * 10), 640, 1500, 10);
  assert.ok(silent.every((v) => v === -1.5));
});
