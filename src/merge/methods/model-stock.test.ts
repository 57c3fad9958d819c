import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import type { TensorMergeInput } from './merge-method.js';
import { modelStock, ModelStockParamsSchema } from './model-stock.js';
import { runMergeMethodContract } from './merge-method-contract.js';

function inputOf(base: Float32Array, deltas: Float32Array[], shape: number[]): TensorMergeInput {
  return {
    name: 'w',
    shape,
    kind: shape.length === 2 ? 'matrix' : 'vector',
    base,
    deltas,
    weights: new Float64Array(deltas.length).fill(1),
    expertParams: [],
    seed: 1,
    isSvdExcluded: false,
  };
}

test('modelStock interpolates with t = 2cos/(1 + cos) for two experts at a known angle', () => {
  fc.assert(
    fc.property(
      fc.double({ min: 0.05, max: 1.5, noNaN: true }),
      fc.double({ min: 0.1, max: 5, noNaN: true }),
      (phi, len) => {
        const base = Float32Array.of(1, -1, 2);
        const d1 = Float32Array.of(len, 0, 0);
        const d2 = Float32Array.of(len * Math.cos(phi), len * Math.sin(phi), 0);
        const out = new Float32Array(3);
        modelStock.mergeTensorInto(
          out,
          inputOf(base, [d1, d2], [3]),
          ModelStockParamsSchema.parse({}),
          undefined,
        );
        const cos = Math.cos(phi);
        const t = (2 * cos) / (1 + cos);
        for (let i = 0; i < 3; i++)
          assert.ok(Math.abs(out[i] - (base[i] + (t * (d1[i] + d2[i])) / 2)) < 1e-4 * (1 + len));
      },
    ),
    { numRuns: 50 },
  );
});

test('modelStock filterWise computes one ratio per row', () => {
  const base = new Float32Array(4);
  // Row 0: identical deltas (cos 1 → t = 1); row 1: orthogonal deltas (cos 0 → t = 0).
  const d1 = Float32Array.of(1, 0, 1, 0);
  const d2 = Float32Array.of(1, 0, 0, 1);
  const out = new Float32Array(4);
  modelStock.mergeTensorInto(
    out,
    inputOf(base, [d1, d2], [2, 2]),
    ModelStockParamsSchema.parse({ filterWise: true }),
    undefined,
  );
  assert.deepEqual(Array.from(out), [1, 0, 0, 0]);
});

test('modelStock needs two experts and returns the base for zero task vectors', () => {
  const base = Float32Array.of(1, 2);
  assert.throws(
    () =>
      modelStock.mergeTensorInto(
        new Float32Array(2),
        inputOf(base, [Float32Array.of(1, 1)], [2]),
        ModelStockParamsSchema.parse({}),
        undefined,
      ),
    { code: 'MERGE_INPUT_INVALID' },
  );
  const out = new Float32Array(2);
  modelStock.mergeTensorInto(
    out,
    inputOf(base, [new Float32Array(2), new Float32Array(2)], [2]),
    ModelStockParamsSchema.parse({}),
    undefined,
  );
  assert.deepEqual(out, base);
});

runMergeMethodContract(modelStock, { minExperts: 2 });
