import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import type { TensorMergeInput } from './merge-method.js';
import { multiSlerp, MultiSlerpParamsSchema } from './multi-slerp.js';
import { runMergeMethodContract } from './merge-method-contract.js';

function inputOf(base: Float32Array, deltas: Float32Array[], weights?: number[]): TensorMergeInput {
  return {
    name: 'w',
    shape: [base.length],
    kind: 'vector',
    base,
    deltas,
    weights: Float64Array.from(weights ?? deltas.map(() => 1)),
    expertParams: [],
    seed: 1,
    isSvdExcluded: false,
  };
}

test('multiSlerp of two task vectors with equal weights lies on the bisector with the mean norm', () => {
  fc.assert(
    fc.property(
      fc.double({ min: 0.05, max: 2.5, noNaN: true }),
      fc.double({ min: 0.5, max: 3, noNaN: true }),
      fc.double({ min: 0.5, max: 3, noNaN: true }),
      (phi, n1, n2) => {
        const base = Float32Array.of(1, -2);
        const out = new Float32Array(2);
        multiSlerp.mergeTensorInto(
          out,
          inputOf(base, [Float32Array.of(n1, 0), Float32Array.of(n2 * Math.cos(phi), n2 * Math.sin(phi))]),
          MultiSlerpParamsSchema.parse({}),
          undefined,
        );
        const mean = (n1 + n2) / 2;
        assert.ok(Math.abs(out[0] - 1 - mean * Math.cos(phi / 2)) < 1e-4 * mean);
        assert.ok(Math.abs(out[1] + 2 - mean * Math.sin(phi / 2)) < 1e-4 * mean);
      },
    ),
    { numRuns: 50 },
  );
});

test('multiSlerp with one expert reproduces it; antipodal inputs fall back to linear for two and fail for three', () => {
  const base = Float32Array.of(1, 1);
  const out = new Float32Array(2);
  multiSlerp.mergeTensorInto(
    out,
    inputOf(base, [Float32Array.of(3, -4)]),
    MultiSlerpParamsSchema.parse({}),
    undefined,
  );
  assert.ok(Math.abs(out[0] - 4) < 1e-6 && Math.abs(out[1] + 3) < 1e-6);
  multiSlerp.mergeTensorInto(
    out,
    inputOf(base, [Float32Array.of(1, 0), Float32Array.of(-1, 0)]),
    MultiSlerpParamsSchema.parse({}),
    undefined,
  );
  assert.deepEqual(Array.from(out), [1, 1]);
  assert.throws(
    () =>
      multiSlerp.mergeTensorInto(
        out,
        inputOf(base, [Float32Array.of(1, 0), Float32Array.of(-1, 0), Float32Array.of(0, 0)]),
        MultiSlerpParamsSchema.parse({}),
        undefined,
      ),
    { code: 'MERGE_INPUT_INVALID' },
  );
});

runMergeMethodContract(multiSlerp);
