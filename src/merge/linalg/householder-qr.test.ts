import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { householderQr } from './householder-qr.js';
import { fillStandardNormal } from './seeded-normal.js';

test('householderQr() gives orthonormal Q, upper-triangular R and Q·R = A', () => {
  fc.assert(
    fc.property(
      fc.integer({ min: 1, max: 30 }).chain((n) => fc.tuple(fc.integer({ min: n, max: 50 }), fc.constant(n))),
      fc.integer({ min: 0, max: 2 ** 31 }),
      ([m, n], seed) => {
        const a = fillStandardNormal(new Float32Array(m * n), seed);
        const { q, r } = householderQr(a, m, n);
        for (let i = 0; i < n; i++) for (let j = 0; j < i; j++) assert.equal(r[i * n + j], 0);
        for (let c1 = 0; c1 < n; c1++) {
          for (let c2 = 0; c2 < n; c2++) {
            let dot = 0;
            for (let i = 0; i < m; i++) dot += q[i * n + c1] * q[i * n + c2];
            assert.ok(Math.abs(dot - (c1 === c2 ? 1 : 0)) < 1e-12);
          }
        }
        for (let i = 0; i < m; i++) {
          for (let j = 0; j < n; j++) {
            let s = 0;
            for (let k = 0; k < n; k++) s += q[i * n + k] * r[k * n + j];
            assert.ok(Math.abs(s - a[i * n + j]) < 1e-10);
          }
        }
      },
    ),
    { numRuns: 40 },
  );
});
