import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import fc from 'fast-check';
import { LinalgBackend } from './linalg-backend.js';
import { polarNewtonSchulz } from './polar-newton-schulz.js';
import { polarSvd } from './polar-svd.js';
import { matrixWithSpectrum, relativeError } from './test-matrices.js';

const backend = new LinalgBackend({ ortMinMultiplyAdds: 0 });
after(() => backend.close());

test('polarNewtonSchulz() default matches the exact SVD polar factor within 1e-3 relative', async () => {
  await fc.assert(
    fc.asyncProperty(
      fc.integer({ min: 2, max: 70 }),
      fc.integer({ min: 2, max: 70 }),
      fc.double({ min: -3, max: 3, noNaN: true }), // log10 of the overall scale
      fc.double({ min: 0, max: 3, noNaN: true }), // log10 of the condition number
      fc.integer({ min: 0, max: 2 ** 30 }),
      async (m, n, logScale, logCond, seed) => {
        const r = Math.min(m, n);
        // Geometric spectrum from 10^logScale down to 10^(logScale − logCond).
        const s = Array.from({ length: r }, (_, i) => 10 ** (logScale - (logCond * i) / Math.max(1, r - 1)));
        const { a } = matrixWithSpectrum(m, n, s, seed);
        const want = polarSvd(a);
        const got = await polarNewtonSchulz(backend, a);
        assert.ok(relativeError(got.data, want.data) < 1e-3, `error ${relativeError(got.data, want.data)}`);
      },
    ),
    { numRuns: 25 },
  );
});

test("polarNewtonSchulz() 'muon5' is Muon's approximate factor, measurably away from the exact one", async () => {
  const s = Array.from({ length: 40 }, (_, i) => 0.9 ** i);
  const { a } = matrixWithSpectrum(64, 40, s, 3);
  const err = relativeError(
    (await polarNewtonSchulz(backend, a, { schedule: 'muon5' })).data,
    polarSvd(a).data,
  );
  assert.ok(err > 0.05 && err < 0.6, `muon5 error ${err}`);
});

test('polarNewtonSchulz() keeps null directions at zero and maps orthonormal input to itself', async () => {
  const { a, u, vt } = matrixWithSpectrum(30, 20, [3, 2, 1], 9);
  const got = await polarNewtonSchulz(backend, a);
  // Exact partial isometry U·Vt on the rank-3 range.
  const want = new Float32Array(30 * 20);
  for (let i = 0; i < 30; i++)
    for (let j = 0; j < 20; j++)
      for (let k = 0; k < 3; k++) want[i * 20 + j] += u.data[i * 3 + k] * vt.data[k * 20 + j];
  // float32 rounding leaves ≈1e-7·σ₁ noise in the null space, which the iteration partly lifts.
  assert.ok(relativeError(got.data, want) < 1e-3);
  const q = await polarNewtonSchulz(backend, u);
  assert.ok(relativeError(q.data, u.data) < 1e-5);
  const zero = await polarNewtonSchulz(backend, { data: new Float32Array(6), rows: 2, cols: 3 });
  assert.ok(zero.data.every((x) => x === 0));
});
