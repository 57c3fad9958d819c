import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import fc from 'fast-check';
import { gemmTs, jacobiSvd, LinalgBackend, polarSvd, type Matrix } from '../linalg/index.js';
import { gaussianMatrix, relativeError } from '../linalg/test-matrices.js';
import type { TensorMergeInput } from './merge-method.js';
import { createIsoCts, isoCtsDimensions, IsoCtsParamsSchema } from './iso-cts.js';
import { runMergeMethodContract } from './merge-method-contract.js';

const backend = new LinalgBackend({ ortMinMultiplyAdds: 0 });
after(() => backend.close());
const iso = createIsoCts(backend);

function inputOf(base: Float32Array, deltas: Float32Array[], shape: number[]): TensorMergeInput {
  return {
    name: 'w',
    shape,
    kind: 'matrix',
    base,
    deltas,
    weights: new Float64Array(deltas.length).fill(1),
    expertParams: [],
    seed: 3,
    isSvdExcluded: false,
  };
}

test('isoCtsDimensions() follows the reference arithmetic with Python rounding (half to even)', () => {
  // r = 40, T = 3, f = 0.8: c = 32, round(8/3) = 3 → ts = 9, c = 31, d = 3.
  assert.deepEqual(isoCtsDimensions(40, 3, 0.8), { common: 31, perTask: 3 });
  // r = 10, T = 4, f = 0.8: c = 8, round(0.5) = 0 (half to even) → c = 10, d = 0.
  assert.deepEqual(isoCtsDimensions(10, 4, 0.8), { common: 10, perTask: 0 });
  // r = 30, T = 4, f = 0.8: c = 24, round(1.5) = 2 → ts = 8, c = 22, d = 2.
  assert.deepEqual(isoCtsDimensions(30, 4, 0.8), { common: 22, perTask: 2 });
});

/** The reference algorithm on exact SVDs. */
function referenceIsoCts(deltas: Matrix[], f: number): Float32Array {
  const { rows: m, cols: n } = deltas[0];
  const r = Math.min(m, n);
  const T = deltas.length;
  const sum: Matrix = {
    data: new Float32Array(m * n).map((_, i) => deltas.reduce((s, d) => s + d.data[i], 0)),
    rows: m,
    cols: n,
  };
  const { common: c, perTask: d } = isoCtsDimensions(r, T, f);
  const full = jacobiSvd(sum);
  const ucat: Matrix = { data: new Float32Array(m * r), rows: m, cols: r };
  const vcat: Matrix = { data: new Float32Array(r * n), rows: r, cols: n };
  let sigma = 0;
  const put = (u: Matrix, s: Float32Array, vt: Matrix, count: number, at: number): void => {
    for (let j = 0; j < count; j++) {
      sigma += s[j];
      for (let i = 0; i < m; i++) ucat.data[i * r + at + j] = u.data[i * u.cols + j];
      for (let i = 0; i < n; i++) vcat.data[(at + j) * n + i] = vt.data[j * n + i];
    }
  };
  const uc: Matrix = { data: new Float32Array(m * c), rows: m, cols: c };
  for (let i = 0; i < m; i++)
    for (let j = 0; j < c; j++) uc.data[i * c + j] = full.u.data[i * full.u.cols + j];
  deltas.forEach((tau, t) => {
    const proj = gemmTs(uc, gemmTs(uc, tau, { transA: true }));
    const w: Matrix = { data: tau.data.map((x, i) => x - proj.data[i]), rows: m, cols: n };
    const s = jacobiSvd(w);
    put(s.u, s.s, s.vt, d, t * d);
  });
  put(full.u, full.s, full.vt, c, T * d);
  const merged = gemmTs(polarSvd(ucat), polarSvd(vcat));
  return merged.data.map((x) => (x * sigma) / r);
}

test('isoCts matches a step-by-step exact-SVD reference', async () => {
  await fc.assert(
    fc.asyncProperty(
      fc.integer({ min: 6, max: 30 }),
      fc.integer({ min: 6, max: 30 }),
      fc.integer({ min: 2, max: 4 }),
      fc.integer({ min: 0, max: 2 ** 30 }),
      async (m, n, T, seed) => {
        const deltas = Array.from({ length: T }, (_, t) => gaussianMatrix(m, n, seed + t));
        const out = new Float32Array(m * n);
        await iso.mergeTensorInto(
          out,
          inputOf(
            new Float32Array(m * n),
            deltas.map((d) => d.data),
            [m, n],
          ),
          IsoCtsParamsSchema.parse({ svd: 'exact' }),
          undefined,
        );
        assert.ok(
          relativeError(out, referenceIsoCts(deltas, 0.8)) < 5e-3,
          `${relativeError(out, referenceIsoCts(deltas, 0.8))}`,
        );
      },
    ),
    { numRuns: 10 },
  );
});

test('isoCts output has a flat spectrum', async () => {
  const deltas = [
    gaussianMatrix(24, 18, 1).data,
    gaussianMatrix(24, 18, 2).data,
    gaussianMatrix(24, 18, 3).data,
  ];
  const out = new Float32Array(24 * 18);
  await iso.mergeTensorInto(
    out,
    inputOf(new Float32Array(out.length), deltas, [24, 18]),
    IsoCtsParamsSchema.parse({}),
    undefined,
  );
  const s = jacobiSvd({ data: out, rows: 24, cols: 18 }).s;
  for (const x of s) assert.ok(Math.abs(x - s[0]) < 2e-3 * s[0]);
});

runMergeMethodContract(iso);
