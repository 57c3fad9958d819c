import assert from 'node:assert/strict';
import { test } from 'node:test';
import { makeTensorMergeInput, runMethodOnTensor } from './merge-method-contract.js';
import { sceMethod } from './sce.js';

test('sce weights tasks by their mean square and erases minority signs', async () => {
  // τ1 = [1, 1], τ2 = [2, −2]: mean squares 1 and 4 → w = [0.2, 0.8]
  // index 0: sum 3 → +, both agree: (0.2·1 + 0.8·2)/(0.2 + 0.8) = 1.8
  // index 1: sum −1 → −, only τ2: 0.8·(−2)/0.8 = −2
  const input = makeTensorMergeInput({
    shape: [2],
    base: Float32Array.of(0, 0),
    deltas: [Float32Array.of(1, 1), Float32Array.of(2, -2)],
  });
  const out = await runMethodOnTensor(sceMethod, input, sceMethod.paramsSchema.parse({}));
  assert.ok(Math.abs(out[0] - 1.8) < 1e-6 && Math.abs(out[1] + 2) < 1e-6, `${out[0]} ${out[1]}`);
});

test('sce select_topk keeps only the highest-variance positions', async () => {
  // variances across the two tasks: index 0 → 0 (equal), index 1 → 4, index 2 → 1
  const input = makeTensorMergeInput({
    shape: [3],
    base: Float32Array.of(5, 5, 5),
    deltas: [Float32Array.of(1, 3, 2), Float32Array.of(1, -1, 0)],
  });
  const out = await runMethodOnTensor(sceMethod, input, sceMethod.paramsSchema.parse({ select_topk: 0.5 }));
  assert.equal(out[0], 5); // not selected (zero variance)
  assert.equal(out[2], 5); // nnz(var) = 2, k = 1: only index 1 survives
  assert.notEqual(out[1], 5);
});
