import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { LinalgBackend } from '../linalg/index.js';
import { gaussianMatrix, relativeError } from '../linalg/test-matrices.js';
import { boostSpectrum, BoostedTsvMParamsSchema, createBoostedTsvM } from './boosted-tsv-m.js';
import type { TensorMergeInput } from './merge-method.js';
import { createTsvM, TsvMParamsSchema } from './tsv-m.js';

const backend = new LinalgBackend({ ortMinMultiplyAdds: 0 });
after(() => backend.close());
const boosted = createBoostedTsvM(backend);
const tsv = createTsvM(backend);

function inputOf(deltas: Float32Array[], shape: number[]): TensorMergeInput {
  const len = deltas[0].length;
  return {
    name: 'w',
    shape,
    kind: 'matrix',
    base: new Float32Array(len),
    deltas,
    weights: new Float64Array(deltas.length).fill(1),
    expertParams: [],
    seed: 5,
    isSvdExcluded: false,
  };
}

test('boostSpectrum() clamps values below the β cumulative-energy index up to it (hand-computed)', () => {
  // σ = [4, 3, 2, 1], Σσ = 10: cumsum/Σ = 0.4, 0.7, 0.9, 1.0. β = 0.6 → c = 1 → floor 3.
  assert.deepEqual(Array.from(boostSpectrum(Float32Array.of(4, 3, 2, 1), 0.6, 'sigma', 10)), [4, 3, 3, 3]);
  // σ² = [16, 9, 4, 1], Σ = 30: cumsum/Σ = 0.533, 0.833, 0.967, 1. β = 0.9 → c = 2 → floor 2.
  assert.deepEqual(
    Array.from(boostSpectrum(Float32Array.of(4, 3, 2, 1), 0.9, 'sigma-squared', 30)),
    [4, 3, 2, 2],
  );
  // Full-spectrum total larger than the kept part: the cutoff lies beyond the kept values → unchanged.
  assert.deepEqual(Array.from(boostSpectrum(Float32Array.of(4, 3), 0.9, 'sigma', 20)), [4, 3]);
  // cumsum/Σ = 0.8 ≥ 0.3 at c = 0: 1 → 4, but the dropped null direction (σ = 0) stays zero.
  assert.deepEqual(Array.from(boostSpectrum(Float32Array.of(4, 1, 0), 0.3, 'sigma', 5)), [4, 4, 0]);
  // β = 1 → the cutoff is the last value → no-op.
  assert.deepEqual(Array.from(boostSpectrum(Float32Array.of(4, 2, 1), 1, 'sigma', 7)), [4, 2, 1]);
});

test('boostedTsvM with β = 1 (no boosting) equals TSV-M', async () => {
  const deltas = [
    gaussianMatrix(30, 24, 1).data,
    gaussianMatrix(30, 24, 2).data,
    gaussianMatrix(30, 24, 3).data,
  ];
  const a = new Float32Array(720);
  const b = new Float32Array(720);
  await boosted.mergeTensorInto(
    a,
    inputOf(deltas, [30, 24]),
    BoostedTsvMParamsSchema.parse({ beta: 1, boost: 'after-truncation' }),
    undefined,
  );
  await tsv.mergeTensorInto(b, inputOf(deltas, [30, 24]), TsvMParamsSchema.parse({}), undefined);
  assert.ok(relativeError(a, b) < 1e-5);
});

test('boostedTsvM raises the merged spectrum relative to TSV-M, and muon5 differs from the converged polar', async () => {
  const deltas = [gaussianMatrix(30, 24, 4).data, gaussianMatrix(30, 24, 5).data];
  const plain = new Float32Array(720);
  const boost = new Float32Array(720);
  const muon = new Float32Array(720);
  await tsv.mergeTensorInto(plain, inputOf(deltas, [30, 24]), TsvMParamsSchema.parse({}), undefined);
  await boosted.mergeTensorInto(
    boost,
    inputOf(deltas, [30, 24]),
    BoostedTsvMParamsSchema.parse({}),
    undefined,
  );
  await boosted.mergeTensorInto(
    muon,
    inputOf(deltas, [30, 24]),
    BoostedTsvMParamsSchema.parse({ polar: 'muon5' }),
    undefined,
  );
  const norm = (x: Float32Array): number => Math.sqrt(x.reduce((s, v) => s + v * v, 0));
  assert.ok(norm(boost) > norm(plain));
  assert.ok(relativeError(muon, boost) > 1e-2);
});

test('BoostedTsvMParamsSchema defaults follow merging.md §3.6', () => {
  const p = BoostedTsvMParamsSchema.parse({});
  assert.equal(p.beta, 0.3);
  assert.equal(p.energy, 'sigma');
  assert.equal(p.boost, 'before-truncation');
  assert.equal(p.polar, 'newton-schulz');
  assert.equal(p.scale, 1);
});
