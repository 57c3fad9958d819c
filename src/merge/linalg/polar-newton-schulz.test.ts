import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import fc from 'fast-check';
import { LinalgBackend } from './linalg-backend.js';
import { optimalCubicStep, polarNewtonSchulz } from './polar-newton-schulz.js';
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

test('polarNewtonSchulz() keeps exactly-zero directions at zero and maps orthonormal input to itself', async () => {
  // Rank 3 by construction with exact zeros (as TSV-M's dropped triplets): columns 3.. are zero.
  const { a: core, u } = matrixWithSpectrum(30, 3, [3, 2, 1], 9);
  const x = { data: new Float32Array(30 * 8), rows: 30, cols: 8 };
  for (let i = 0; i < 30; i++) for (let j = 0; j < 3; j++) x.data[i * 8 + j] = core.data[i * 3 + j];
  const got = await polarNewtonSchulz(backend, x);
  for (let i = 0; i < 30; i++) for (let j = 3; j < 8; j++) assert.equal(got.data[i * 8 + j], 0);
  assert.ok(relativeError(got.data, polarSvd(x).data) < 1e-5);
  const q = await polarNewtonSchulz(backend, u);
  assert.ok(relativeError(q.data, u.data) < 1e-5);
  const zero = await polarNewtonSchulz(backend, { data: new Float32Array(6), rows: 2, cols: 3 });
  assert.ok(zero.data.every((v) => v === 0));
});

test('optimalCubicStep() equioscillates: p(ℓ) = p(1) = 1 − E and max p = 1', () => {
  for (const l of [1e-6, 1e-3, 0.1, 0.5, 0.9]) {
    const { a, b, next } = optimalCubicStep(l);
    const p = (t: number): number => a * t + b * t ** 3;
    assert.ok(Math.abs(p(l) - next) < 1e-12 && Math.abs(p(1) - next) < 1e-12);
    let max = 0;
    for (let t = l; t <= 1; t += (1 - l) / 1000) max = Math.max(max, p(t));
    assert.ok(Math.abs(max - 1) < 1e-5 && next > l);
  }
});

test("polarNewtonSchulz() form 'gram' matches the SVD polar factor on well-conditioned wide and tall inputs", async () => {
  await fc.assert(
    fc.asyncProperty(
      fc.integer({ min: 4, max: 40 }),
      fc.integer({ min: 2, max: 4 }),
      fc.boolean(),
      fc.double({ min: 0, max: 2, noNaN: true }), // log10 condition number ≤ 2
      fc.integer({ min: 0, max: 2 ** 30 }),
      async (k, aspect, isTall, logCond, seed) => {
        const s = Array.from({ length: k }, (_, i) => 10 ** ((-logCond * i) / Math.max(1, k - 1)));
        const { a } = isTall
          ? matrixWithSpectrum(k * aspect, k, s, seed)
          : matrixWithSpectrum(k, k * aspect, s, seed);
        const got = await polarNewtonSchulz(backend, a, { form: 'gram' });
        assert.ok(
          relativeError(got.data, polarSvd(a).data) < 1e-4,
          `error ${relativeError(got.data, polarSvd(a).data)}`,
        );
      },
    ),
    { numRuns: 15 },
  );
});

/** A backend that counts its matrix products. */
class CountingBackend extends LinalgBackend {
  products = 0;
  override gemm(...args: Parameters<LinalgBackend['gemm']>): ReturnType<LinalgBackend['gemm']> {
    this.products++;
    return super.gemm(...args);
  }
}

test('polarNewtonSchulz() certifies σ_min of well-conditioned rectangular inputs: fewer products, same factor', async () => {
  const counting = new CountingBackend({ ortMinMultiplyAdds: 0 });
  try {
    for (const [rows, cols] of [
      [24, 96],
      [96, 24],
    ]) {
      // σ from 1 down to 0.3: the floor schedule needs ≈ 15 steps, a certified start ≈ 5.
      const s = Array.from({ length: 24 }, (_, i) => 1 - (0.7 * i) / 23);
      const { a } = matrixWithSpectrum(rows, cols, s, 11);
      counting.products = 0;
      const auto = await polarNewtonSchulz(counting, a);
      const autoProducts = counting.products;
      counting.products = 0;
      // The schedule from the floor, for comparison: a zero σ (the short side's first row or
      // column zeroed) defeats any certificate.
      const floorOnly = Float32Array.from(a.data);
      if (rows < cols) floorOnly.fill(0, 0, cols);
      else for (let i = 0; i < rows; i++) floorOnly[i * cols] = 0;
      await polarNewtonSchulz(counting, { data: floorOnly, rows, cols }, { form: 'direct' });
      const floorProducts = counting.products;
      const want = polarSvd(a);
      assert.ok(
        relativeError(auto.data, want.data) < 1e-4,
        `auto error ${relativeError(auto.data, want.data)}`,
      );
      // Certified: ≈ 6 Gram-form steps of 3 short-side products, + the polish step; from the
      // floor: ≈ 15 steps of 2 products over the long side.
      assert.ok(
        autoProducts <= 22 && floorProducts >= 28,
        `${rows}×${cols}: ${autoProducts} vs ${floorProducts}`,
      );
    }
  } finally {
    await counting.close();
  }
});

test('polarNewtonSchulz() stays exact when one singular value sits just above the floor (the certificate must not hide it)', async () => {
  await fc.assert(
    fc.asyncProperty(
      fc.integer({ min: 4, max: 30 }),
      fc.integer({ min: 2, max: 4 }),
      fc.boolean(),
      fc.double({ min: -3.5, max: -1, noNaN: true }), // log10 of the planted small σ
      fc.integer({ min: 0, max: 2 ** 30 }),
      async (k, aspect, isTall, logSmall, seed) => {
        // A well-conditioned bulk that invites a certificate, and one small σ it must not skip.
        const s = Array.from({ length: k }, (_, i) => (i === k - 1 ? 10 ** logSmall : 1 - (0.5 * i) / k));
        const { a } = isTall
          ? matrixWithSpectrum(k * aspect, k, s, seed)
          : matrixWithSpectrum(k, k * aspect, s, seed);
        const got = await polarNewtonSchulz(backend, a);
        const err = relativeError(got.data, polarSvd(a).data);
        assert.ok(err < 1e-3, `error ${err}`);
      },
    ),
    { numRuns: 30 },
  );
});
