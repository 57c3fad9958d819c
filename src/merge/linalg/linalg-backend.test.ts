import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import fc from 'fast-check';
import { gemmTs } from './gemm-ts.js';
import { AppError } from '../../shared/index.js';
import { configureSharedLinalgBackend, LinalgBackend, sharedLinalgBackend } from './linalg-backend.js';
import { gaussianMatrix, relativeError } from './test-matrices.js';

// Every product goes through ORT (threshold 0), so the ORT path is what is checked.
const ortBackend = new LinalgBackend({ ortMinMultiplyAdds: 0 });
after(() => ortBackend.close());

function naive(
  a: { data: Float32Array; rows: number; cols: number },
  b: typeof a,
  ta: boolean,
  tb: boolean,
): Float64Array {
  const m = ta ? a.cols : a.rows;
  const k = ta ? a.rows : a.cols;
  const n = tb ? b.rows : b.cols;
  const out = new Float64Array(m * n);
  for (let i = 0; i < m; i++)
    for (let j = 0; j < n; j++) {
      let s = 0;
      for (let p = 0; p < k; p++)
        s +=
          (ta ? a.data[p * a.cols + i] : a.data[i * a.cols + p]) *
          (tb ? b.data[j * b.cols + p] : b.data[p * b.cols + j]);
      out[i * n + j] = s;
    }
  return out;
}

test('LinalgBackend.gemm() on ORT and gemmTs() match a naive product for every transpose class', async () => {
  await fc.assert(
    fc.asyncProperty(
      fc.integer({ min: 1, max: 24 }),
      fc.integer({ min: 1, max: 24 }),
      fc.integer({ min: 1, max: 24 }),
      fc.boolean(),
      fc.boolean(),
      fc.integer({ min: 0, max: 2 ** 30 }),
      async (m, k, n, ta, tb, seed) => {
        const a = ta ? gaussianMatrix(k, m, seed) : gaussianMatrix(m, k, seed);
        const b = tb ? gaussianMatrix(n, k, seed + 1) : gaussianMatrix(k, n, seed + 1);
        const want = naive(a, b, ta, tb);
        const viaOrt = await ortBackend.gemm(a, b, { transA: ta, transB: tb });
        const viaTs = gemmTs(a, b, { transA: ta, transB: tb });
        assert.equal(viaOrt.rows, m);
        assert.equal(viaOrt.cols, n);
        assert.ok(relativeError(viaOrt.data, want) < 1e-5);
        assert.ok(relativeError(viaTs.data, want) < 1e-6);
      },
    ),
    { numRuns: 25 },
  );
});

test('LinalgBackend.gram64() matches AᵀA and AAᵀ on both paths', async () => {
  const a = gaussianMatrix(37, 11, 5);
  for (const backend of [ortBackend, new LinalgBackend({ isTypeScriptOnly: true })]) {
    const cols = await backend.gram64(a, 'cols');
    const rows = await backend.gram64(a, 'rows');
    assert.ok(relativeError(cols, naive(a, a, true, false)) < 1e-12);
    assert.ok(relativeError(rows, naive(a, a, false, true)) < 1e-12);
  }
});

test('LinalgBackend rejects use after close() with RESOURCE_CLOSED, and close() is idempotent', async () => {
  const backend = new LinalgBackend();
  await backend.close();
  await backend.close();
  const a = gaussianMatrix(2, 2, 1);
  await assert.rejects(backend.gemm(a, a), { code: 'RESOURCE_CLOSED' });
});

test('the shared backend takes its options before first use and refuses them after', () => {
  configureSharedLinalgBackend({ intraOpThreadCount: 1 });
  const backend = sharedLinalgBackend();
  assert.equal(sharedLinalgBackend(), backend);
  assert.throws(
    () => configureSharedLinalgBackend({ intraOpThreadCount: 2 }),
    (e: unknown) => e instanceof AppError && e.code === 'INTERNAL',
  );
});
