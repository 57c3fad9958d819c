import assert from 'node:assert/strict';
import { test } from 'node:test';
import { dellaMethod } from './della.js';
import { makeTensorMergeInput, runMethodOnTensor } from './merge-method-contract.js';

test('della keeps large magnitudes more often than small ones, about density on average', async () => {
  const cols = 100;
  const rows = 400;
  const delta = new Float32Array(rows * cols);
  for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) delta[r * cols + c] = (c + 1) * 0.01;
  const input = makeTensorMergeInput({
    shape: [rows, cols],
    base: new Float32Array(rows * cols),
    deltas: [delta],
    seed: 3,
  });
  const params = dellaMethod.paramsSchema.parse({ density: 0.5, epsilon: 0.4, lambda: 1 });
  const out = await runMethodOnTensor(dellaMethod, input, params);
  let keptSmall = 0;
  let keptLarge = 0;
  let kept = 0;
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < cols; c++) {
      const v = out[r * cols + c];
      if (v === 0) continue;
      kept++;
      if (c < 10) keptSmall++;
      if (c >= 90) keptLarge++;
      // rescaled by 1/p with p = 0.1 + 0.8·c/99
      const p = 0.1 + (0.8 * c) / 99;
      assert.ok(Math.abs(v - delta[r * cols + c] / p) < 1e-5);
    }
  }
  const n = rows * cols;
  assert.ok(Math.abs(kept / n - 0.5) < 0.02, `kept fraction ${kept / n}`);
  assert.ok(keptLarge > 3 * keptSmall, `${keptLarge} vs ${keptSmall}`);
});

test('della with epsilon 0 and density 1 is TIES without trimming, scaled by lambda', async () => {
  const input = makeTensorMergeInput({
    shape: [3],
    base: new Float32Array(3),
    deltas: [Float32Array.of(1, -2, 3), Float32Array.of(3, 2, -1)],
  });
  const out = await runMethodOnTensor(
    dellaMethod,
    input,
    dellaMethod.paramsSchema.parse({ density: 1, epsilon: 0, lambda: 2 }),
  );
  assert.deepEqual([...out], [4, 4, 6]);
});

test('della rejects a window that leaves (0, 1]', () => {
  assert.equal(dellaMethod.paramsSchema.safeParse({ density: 0.9, epsilon: 0.2 }).success, false);
});
