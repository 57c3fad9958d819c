import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { jacobiSvd, LinalgBackend } from '../linalg/index.js';
import { matrixWithSpectrum, relativeError } from '../linalg/test-matrices.js';
import type { TensorMergeInput } from './merge-method.js';
import {
  boostMatrix,
  createSubspaceBoosting,
  isAttentionTensor,
  SubspaceBoostingParamsSchema,
} from './subspace-boosting.js';

const backend = new LinalgBackend({ ortMinMultiplyAdds: 0 });
after(() => backend.close());
const sb = createSubspaceBoosting(backend);

test('boostMatrix() clamps σ below the β index up to σ_c, keeping singular vectors (hand-computed spectrum)', async () => {
  // σ = [5, 3, 1, 0.5, 0.5], Σ = 10: cumsum/Σ = 0.5, 0.8, 0.9, … β = 0.7 → c = 1 → floor 3.
  const { a } = matrixWithSpectrum(12, 9, [5, 3, 1, 0.5, 0.5], 1);
  const p = SubspaceBoostingParamsSchema.parse({});
  const out = await boostMatrix(backend, a, 0.7, p, 1);
  const s = jacobiSvd({ data: out, rows: 12, cols: 9 }).s;
  assert.ok(relativeError(s.slice(0, 5), [5, 3, 3, 3, 3]) < 1e-5);
  assert.ok(s[5] < 1e-5); // null directions are not raised
});

test('boostMatrix() on the randomized/Newton–Schulz path matches the exact path', async () => {
  const s = Array.from({ length: 150 }, (_, i) => 10 * 0.97 ** i);
  const { a } = matrixWithSpectrum(200, 150, s, 2);
  const p = SubspaceBoostingParamsSchema.parse({});
  const exact = await boostMatrix(backend, a, 0.1, { ...p, svd: 'exact' }, 3);
  const fast = await boostMatrix(backend, a, 0.1, { ...p, svd: 'randomized' }, 3);
  assert.ok(relativeError(fast, exact) < 1e-3, `${relativeError(fast, exact)}`);
});

test('subspaceBoosting picks attentionBeta for attention weights and leaves vectors as task arithmetic', async () => {
  assert.equal(isAttentionTensor('model.encoder.layers.3.self_attn.q_proj.weight'), true);
  assert.equal(isAttentionTensor('decoder.blocks.0.cross_attn.key.weight'), true);
  assert.equal(isAttentionTensor('model.encoder.layers.3.fc1.weight'), false);
  const input: TensorMergeInput = {
    name: 'b',
    shape: [3],
    kind: 'vector',
    base: Float32Array.of(1, 2, 3),
    deltas: [Float32Array.of(1, 1, 1), Float32Array.of(0, 1, 0)],
    weights: Float64Array.of(1, 1),
    expertParams: [],
    seed: 1,
    isSvdExcluded: false,
  };
  const out = new Float32Array(3);
  await sb.mergeTensorInto(out, input, SubspaceBoostingParamsSchema.parse({ scale: 0.5 }), undefined);
  assert.deepEqual(Array.from(out), [1.5, 3, 3.5]);
});
