import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { LinalgBackend } from './linalg-backend.js';
import { nuclearNorm } from './nuclear-norm.js';
import { gaussianMatrix, matrixWithSpectrum } from './test-matrices.js';

const backend = new LinalgBackend();
after(() => backend.close());

test('nuclearNorm() equals the sum of a prescribed spectrum on the exact and the Gram-eigenvalue paths', async () => {
  const small = Array.from({ length: 20 }, (_, i) => 3 * 0.8 ** i);
  const { a } = matrixWithSpectrum(40, 20, small, 1);
  const want = small.reduce((x, y) => x + y, 0);
  assert.ok(Math.abs((await nuclearNorm(backend, a)) - want) < 1e-5 * want);
  // 320×150 exceeds the exact-SVD budget, so this takes the Gram-eigenvalue path.
  const large = Array.from({ length: 150 }, (_, i) => 1 / (1 + i / 10));
  const big = matrixWithSpectrum(320, 150, large, 2).a;
  const wantBig = large.reduce((x, y) => x + y, 0);
  assert.ok(Math.abs((await nuclearNorm(backend, big)) - wantBig) < 1e-5 * wantBig);
  // a wide input with σ spanning 1 … 1e-6: every one counts (the float64 Gram keeps them)
  const wide = Array.from({ length: 140 }, (_, i) => 10 ** ((-6 * i) / 139));
  const wantWide = wide.reduce((x, y) => x + y, 0);
  const got = await nuclearNorm(backend, matrixWithSpectrum(140, 330, wide, 3).a);
  assert.ok(Math.abs(got - wantWide) < 1e-5 * wantWide, `${got} vs ${wantWide}`);
  assert.equal(await nuclearNorm(backend, { data: new Float32Array(12), rows: 3, cols: 4 }), 0);
  assert.ok((await nuclearNorm(backend, gaussianMatrix(5, 5, 3))) > 0);
});
