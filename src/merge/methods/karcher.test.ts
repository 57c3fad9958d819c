import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { karcher, KarcherParamsSchema } from './karcher.js';
import { runMergeMethodContract } from './merge-method-contract.js';
import type { TensorMergeInput } from './merge-method.js';

function inputOf(base: Float32Array, deltas: Float32Array[]): TensorMergeInput {
  return {
    name: 'w',
    shape: [base.length],
    kind: 'vector',
    base,
    deltas,
    weights: new Float64Array(deltas.length).fill(1),
    expertParams: [],
    seed: 1,
    isSvdExcluded: false,
  };
}

test('karcher of two tensors at angle φ is the normalized geodesic midpoint scaled by the mean norm', () => {
  fc.assert(
    fc.property(
      fc.double({ min: 0.05, max: 2.5, noNaN: true }),
      fc.double({ min: 0.5, max: 3, noNaN: true }),
      fc.double({ min: 0.5, max: 3, noNaN: true }),
      (phi, n1, n2) => {
        // θ_1 = n1·e1, θ_2 = n2·(cos φ, sin φ); base 0 so θ_t = τ_t.
        const base = new Float32Array(2);
        const out = new Float32Array(2);
        karcher.mergeTensorInto(
          out,
          inputOf(base, [Float32Array.of(n1, 0), Float32Array.of(n2 * Math.cos(phi), n2 * Math.sin(phi))]),
          KarcherParamsSchema.parse({}),
          undefined,
        );
        const mean = (n1 + n2) / 2;
        assert.ok(Math.abs(out[0] - mean * Math.cos(phi / 2)) < 1e-4 * mean);
        assert.ok(Math.abs(out[1] - mean * Math.sin(phi / 2)) < 1e-4 * mean);
      },
    ),
    { numRuns: 50 },
  );
});

test('karcher with one expert reproduces the fine-tuned tensor; zero task vectors give the base', () => {
  const base = Float32Array.of(1, 2, 3);
  const out = new Float32Array(3);
  karcher.mergeTensorInto(
    out,
    inputOf(base, [Float32Array.of(0.5, -1, 2)]),
    KarcherParamsSchema.parse({}),
    undefined,
  );
  assert.ok(Math.abs(out[0] - 1.5) < 1e-6 && Math.abs(out[1] - 1) < 1e-6 && Math.abs(out[2] - 5) < 1e-6);
  karcher.mergeTensorInto(
    out,
    inputOf(base, [new Float32Array(3), new Float32Array(3)]),
    KarcherParamsSchema.parse({}),
    undefined,
  );
  assert.deepEqual(out, base);
});

runMergeMethodContract(karcher);
