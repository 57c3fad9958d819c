import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { jacobiSvd, LinalgBackend, gemmTs } from '../linalg/index.js';
import { gaussianMatrix, relativeError } from '../linalg/test-matrices.js';
import { createLors, LorsParamsSchema } from './lors.js';
import type { TensorMergeInput } from './merge-method.js';

const backend = new LinalgBackend({ ortMinMultiplyAdds: 0 });
after(() => backend.close());
const lorsMethod = createLors(backend);

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
    seed: 9,
    isSvdExcluded: false,
  };
}

function rankK(a: Float32Array, m: number, n: number, k: number): Float32Array {
  const svd = jacobiSvd({ data: a, rows: m, cols: n });
  const r = svd.s.length;
  const us = { data: new Float32Array(m * k), rows: m, cols: k };
  for (let i = 0; i < m; i++)
    for (let j = 0; j < k; j++) us.data[i * k + j] = svd.u.data[i * r + j] * svd.s[j];
  return gemmTs(us, { data: svd.vt.data.slice(0, k * n), rows: k, cols: n }).data;
}

test('lors = rank-k part + exactly ⌊numel·keepRatio⌋ largest residual entries', async () => {
  const [m, n, k] = [24, 20, 3];
  const tau = gaussianMatrix(m, n, 1).data;
  const out = new Float32Array(m * n);
  await lorsMethod.mergeTensorInto(
    out,
    inputOf(new Float32Array(m * n), [tau], [m, n]),
    LorsParamsSchema.parse({ scale: 1, rank: k, keepRatio: 0.25 }),
    undefined,
  );
  const low = rankK(tau, m, n, k);
  const sparse = out.map((x, i) => x - low[i]);
  const residual = tau.map((x, i) => x - low[i]);
  const kept = Math.floor(m * n * 0.25);
  let nonzero = 0;
  let minKept = Infinity;
  let maxDropped = 0;
  for (let i = 0; i < sparse.length; i++) {
    if (Math.abs(sparse[i]) > 1e-4) {
      nonzero++;
      assert.ok(Math.abs(sparse[i] - residual[i]) < 1e-4); // kept entries are the residual itself
      minKept = Math.min(minKept, Math.abs(residual[i]));
    } else maxDropped = Math.max(maxDropped, Math.abs(residual[i]));
  }
  assert.equal(nonzero, kept);
  assert.ok(minKept >= maxDropped - 1e-4);
});

test('lors with keepRatio 1 reproduces the task vector, keepRatio 0 gives the rank-k part, scale 0 the base', async () => {
  const tau = gaussianMatrix(16, 12, 2).data;
  const base = gaussianMatrix(16, 12, 3).data;
  const out = new Float32Array(192);
  await lorsMethod.mergeTensorInto(
    out,
    inputOf(base, [tau], [16, 12]),
    LorsParamsSchema.parse({ scale: 1, keepRatio: 1 }),
    undefined,
  );
  assert.ok(
    relativeError(
      out,
      base.map((b, i) => b + tau[i]),
    ) < 1e-5,
  );
  await lorsMethod.mergeTensorInto(
    out,
    inputOf(base, [tau], [16, 12]),
    LorsParamsSchema.parse({ scale: 1, keepRatio: 0, rank: 2 }),
    undefined,
  );
  const low = rankK(tau, 16, 12, 2);
  assert.ok(
    relativeError(
      out,
      base.map((b, i) => b + low[i]),
    ) < 1e-4,
  );
  await lorsMethod.mergeTensorInto(
    out,
    inputOf(base, [tau], [16, 12]),
    LorsParamsSchema.parse({ scale: 0 }),
    undefined,
  );
  assert.deepEqual(out, base);
});

test('lors sums pruned experts × scale and sums non-matrix tensors unchanged', async () => {
  const out = new Float32Array(3);
  await lorsMethod.mergeTensorInto(
    out,
    inputOf(Float32Array.of(1, 1, 1), [Float32Array.of(1, 2, 3), Float32Array.of(1, 0, 1)], [3], 'vector'),
    LorsParamsSchema.parse({}),
    undefined,
  );
  assert.ok(relativeError(out, [1.4, 1.4, 1.8]) < 1e-6);
  const t1 = gaussianMatrix(10, 8, 4).data;
  const t2 = gaussianMatrix(10, 8, 5).data;
  const both = new Float32Array(80);
  const one = new Float32Array(80);
  const two = new Float32Array(80);
  const zero = new Float32Array(80);
  const p = LorsParamsSchema.parse({ rank: 2 });
  await lorsMethod.mergeTensorInto(both, inputOf(zero, [t1, t2], [10, 8]), p, undefined);
  await lorsMethod.mergeTensorInto(one, inputOf(zero, [t1], [10, 8]), p, undefined);
  await lorsMethod.mergeTensorInto(two, inputOf(zero, [t2], [10, 8]), p, undefined);
  assert.ok(
    relativeError(
      both,
      one.map((x, i) => x + two[i]),
    ) < 1e-5,
  );
});

test('LorsParamsSchema defaults are the released script values', () => {
  assert.deepEqual(LorsParamsSchema.parse({}), {
    scale: 0.2,
    rank: 7,
    keepRatio: 0.2,
    svd: 'auto',
    oversamples: 10,
    powerIterations: 2,
  });
});
