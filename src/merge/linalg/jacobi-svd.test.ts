import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { gemmTs } from './gemm-ts.js';
import { jacobiSvd } from './jacobi-svd.js';
import { matrixWithSpectrum, relativeError } from './test-matrices.js';

const shape = fc.tuple(fc.integer({ min: 1, max: 40 }), fc.integer({ min: 1, max: 40 }));

test('jacobiSvd() recovers a prescribed spectrum and reconstructs the matrix', () => {
  fc.assert(
    fc.property(
      shape,
      fc.integer({ min: 0, max: 2 ** 30 }),
      fc.double({ min: 0.5, max: 0.99, noNaN: true }),
      ([m, n], seed, decay) => {
        const r = Math.min(m, n);
        const s = Array.from({ length: r }, (_, i) => 10 * decay ** i);
        const { a } = matrixWithSpectrum(m, n, s, seed);
        const svd = jacobiSvd(a);
        for (let i = 0; i < r; i++) assert.ok(Math.abs(svd.s[i] - s[i]) <= 1e-5 * s[0], `σ${i}`);
        const us = { data: new Float32Array(m * r), rows: m, cols: r };
        for (let i = 0; i < m; i++)
          for (let j = 0; j < r; j++) us.data[i * r + j] = svd.u.data[i * r + j] * svd.s[j];
        assert.ok(relativeError(gemmTs(us, svd.vt).data, a.data) < 1e-5);
        const utu = gemmTs(svd.u, svd.u, { transA: true });
        for (let i = 0; i < r; i++) assert.ok(Math.abs(utu.data[i * r + i] - 1) < 1e-5);
      },
    ),
    { numRuns: 30 },
  );
});

test('jacobiSvd() of a zero matrix has zero singular values and zero vectors', () => {
  const svd = jacobiSvd({ data: new Float32Array(12), rows: 3, cols: 4 });
  assert.deepEqual(Array.from(svd.s), [0, 0, 0]);
  assert.ok(svd.u.data.every((x) => x === 0));
});
