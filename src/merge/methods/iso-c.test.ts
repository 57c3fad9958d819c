import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import fc from 'fast-check';
import { jacobiSvd, LinalgBackend } from '../linalg/index.js';
import { gaussianMatrix } from '../linalg/test-matrices.js';
import type { TensorMergeInput } from './merge-method.js';
import { createIsoC, IsoCParamsSchema } from './iso-c.js';
import { runMergeMethodContract } from './merge-method-contract.js';

const backend = new LinalgBackend({ ortMinMultiplyAdds: 0 });
after(() => backend.close());
const iso = createIsoC(backend);

function inputOf(
  base: Float32Array,
  deltas: Float32Array[],
  shape: number[],
  kind: TensorMergeInput['kind'] = 'matrix',
): TensorMergeInput {
  return {
    name: 'w',
    shape,
    kind,
    base,
    deltas,
    weights: new Float64Array(deltas.length).fill(1),
    expertParams: [],
    seed: 7,
    isSvdExcluded: false,
  };
}

test("isoC's merged task vector has a flat spectrum at the mean singular value of Σ_t τ_t", async () => {
  await fc.assert(
    fc.asyncProperty(
      fc.integer({ min: 4, max: 40 }),
      fc.integer({ min: 4, max: 40 }),
      fc.integer({ min: 1, max: 4 }),
      fc.constantFrom('newton-schulz' as const, 'svd' as const),
      fc.integer({ min: 0, max: 2 ** 30 }),
      async (m, n, T, polar, seed) => {
        const deltas = Array.from({ length: T }, (_, t) => gaussianMatrix(m, n, seed + t).data);
        const sum = new Float32Array(m * n).map((_, i) => deltas.reduce((s, d) => s + d[i], 0));
        const sigma = jacobiSvd({ data: sum, rows: m, cols: n }).s;
        const meanSigma = sigma.reduce((a, b) => a + b, 0) / sigma.length;
        const base = gaussianMatrix(m, n, seed + 99).data;
        const out = new Float32Array(m * n);
        await iso.mergeTensorInto(
          out,
          inputOf(base, deltas, [m, n]),
          IsoCParamsSchema.parse({ scale: 0.5, polar }),
          undefined,
        );
        const merged = out.map((x, i) => (x - base[i]) / 0.5);
        const s = jacobiSvd({ data: merged, rows: m, cols: n }).s;
        for (const x of s) assert.ok(Math.abs(x - meanSigma) <= 2e-3 * meanSigma, `${x} vs ${meanSigma}`);
      },
    ),
    { numRuns: 15 },
  );
});

test('isoC keeps the singular vectors of the summed task vector', async () => {
  const deltas = [gaussianMatrix(20, 12, 1).data, gaussianMatrix(20, 12, 2).data];
  const out = new Float32Array(240);
  await iso.mergeTensorInto(
    out,
    inputOf(new Float32Array(240), deltas, [20, 12]),
    IsoCParamsSchema.parse({}),
    undefined,
  );
  const sum = deltas[0].map((x, i) => x + deltas[1][i]);
  const a = jacobiSvd({ data: sum, rows: 20, cols: 12 });
  // U_Σᵀ·merged·V_Σ is diagonal (the same singular basis).
  const b = jacobiSvd({ data: out, rows: 20, cols: 12 });
  let offDiag = 0;
  for (let i = 0; i < 12; i++) {
    for (let j = 0; j < 12; j++) {
      let x = 0;
      for (let p = 0; p < 20; p++)
        for (let q = 0; q < 12; q++) x += a.u.data[p * 12 + i] * out[p * 12 + q] * a.vt.data[j * 12 + q];
      if (i !== j) offDiag = Math.max(offDiag, Math.abs(x));
    }
  }
  assert.ok(offDiag < 1e-3 * b.s[0]);
});

test('isoC averages non-matrix tensors and returns the base for scale 0', async () => {
  const out = new Float32Array(3);
  await iso.mergeTensorInto(
    out,
    inputOf(Float32Array.of(1, 1, 1), [Float32Array.of(2, 0, 4), Float32Array.of(0, 2, 0)], [3], 'vector'),
    IsoCParamsSchema.parse({ scale: 3 }),
    undefined,
  );
  assert.deepEqual(Array.from(out), [4, 4, 7]);
  const base = gaussianMatrix(5, 4, 1).data;
  const out2 = new Float32Array(20);
  await iso.mergeTensorInto(
    out2,
    inputOf(base, [gaussianMatrix(5, 4, 2).data], [5, 4]),
    IsoCParamsSchema.parse({ scale: 0 }),
    undefined,
  );
  assert.deepEqual(out2, base);
});

runMergeMethodContract(iso);
