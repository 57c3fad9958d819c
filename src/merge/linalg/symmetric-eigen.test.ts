import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { symmetricEigen, symmetricEigenvalues } from './symmetric-eigen.js';
import { fillStandardNormal } from './seeded-normal.js';

function randomSymmetric(n: number, seed: number): Float64Array {
  const g = fillStandardNormal(new Float32Array(n * n), seed);
  const a = new Float64Array(n * n);
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) a[i * n + j] = g[i * n + j] + g[j * n + i];
  return a;
}

test('symmetricEigen() satisfies A·v = λ·v with orthonormal eigenvectors and descending values', () => {
  fc.assert(
    fc.property(fc.integer({ min: 1, max: 40 }), fc.integer({ min: 0, max: 2 ** 31 }), (n, seed) => {
      const a = randomSymmetric(n, seed);
      const { values, vectorRows } = symmetricEigen(a, n);
      let scale = 0;
      for (const x of a) scale = Math.max(scale, Math.abs(x));
      for (let r = 0; r < n; r++) {
        if (r > 0) assert.ok(values[r] <= values[r - 1]);
        for (let i = 0; i < n; i++) {
          let av = 0;
          for (let j = 0; j < n; j++) av += a[i * n + j] * vectorRows[r * n + j];
          assert.ok(Math.abs(av - values[r] * vectorRows[r * n + i]) <= 1e-10 * n * scale);
        }
        for (let q = 0; q <= r; q++) {
          let dot = 0;
          for (let j = 0; j < n; j++) dot += vectorRows[r * n + j] * vectorRows[q * n + j];
          assert.ok(Math.abs(dot - (q === r ? 1 : 0)) <= 1e-10 * n);
        }
      }
    }),
    { numRuns: 40 },
  );
});

test('symmetricEigen() handles diagonal, repeated and zero spectra', () => {
  const n = 6;
  const diag = new Float64Array(n * n);
  [3, 1, 1, 0, -2, 1].forEach((v, i) => (diag[i * n + i] = v));
  assert.deepEqual(Array.from(symmetricEigen(diag, n).values), [3, 1, 1, 1, 0, -2]);
  const zero = symmetricEigen(new Float64Array(n * n), n);
  assert.deepEqual(Array.from(zero.values), [0, 0, 0, 0, 0, 0]);
  // A rank-one matrix x·xᵀ has one eigenvalue ‖x‖² and n − 1 zeros.
  const x = [1, 2, 3, 4, 5, 6];
  const r1 = new Float64Array(n * n);
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) r1[i * n + j] = x[i] * x[j];
  const e = symmetricEigen(r1, n);
  assert.ok(Math.abs(e.values[0] - 91) < 1e-12 * 91);
  for (let i = 1; i < n; i++) assert.ok(Math.abs(e.values[i]) < 1e-12 * 91);
});

test('symmetricEigenvalues() are symmetricEigen()’s values, without the vectors', () => {
  fc.assert(
    fc.property(fc.integer({ min: 1, max: 60 }), fc.integer({ min: 0, max: 2 ** 31 }), (n, seed) => {
      const a = randomSymmetric(n, seed);
      const want = symmetricEigen(a, n).values;
      const got = symmetricEigenvalues(a, n);
      let scale = 0;
      for (const x of a) scale = Math.max(scale, Math.abs(x));
      assert.equal(got.length, n);
      for (let i = 0; i < n; i++) {
        if (i > 0) assert.ok(got[i] <= got[i - 1]);
        assert.ok(Math.abs(got[i] - want[i]) <= 1e-12 * n * scale, `${got[i]} vs ${want[i]}`);
      }
    }),
    { numRuns: 30 },
  );
});
