import assert from 'node:assert/strict';
import { test } from 'node:test';
import { breadcrumbsMethod } from './breadcrumbs.js';
import { makeTensorMergeInput, runMethodOnTensor } from './merge-method-contract.js';

test('breadcrumbs drops the top-γ outliers and keeps the next β per row', async () => {
  // Rows of 10: γ = 0.1 removes the largest |x| (1 entry); β = 0.3 keeps the next 3.
  const row0 = [10, -9, 8, 7, 6, 5, 4, 3, 2, 1];
  const row1 = [1, 2, 3, 4, 5, 6, 7, 8, 9, -10];
  const input = makeTensorMergeInput({
    shape: [2, 10],
    base: new Float32Array(20),
    deltas: [Float32Array.from([...row0, ...row1])],
  });
  const out = await runMethodOnTensor(
    breadcrumbsMethod,
    input,
    breadcrumbsMethod.paramsSchema.parse({ density: 0.3, gamma: 0.1, lambda: 1 }),
  );
  assert.deepEqual([...out.subarray(0, 10)], [0, -9, 8, 7, 0, 0, 0, 0, 0, 0]);
  assert.deepEqual([...out.subarray(10)], [0, 0, 0, 0, 0, 0, 7, 8, 9, 0]);
});

test('breadcrumbs scales the sum of masked task vectors by lambda (alpha)', async () => {
  const delta = Float32Array.of(1, 2, 3, 4);
  const input = makeTensorMergeInput({
    shape: [4],
    base: Float32Array.of(1, 1, 1, 1),
    deltas: [delta, delta],
  });
  const out = await runMethodOnTensor(
    breadcrumbsMethod,
    input,
    breadcrumbsMethod.paramsSchema.parse({ density: 0.5, gamma: 0.25, lambda: 0.5 }),
  );
  // per task: remove 4 (top 1), keep 3 and 2 → summed ×2 tasks ×0.5
  assert.deepEqual([...out], [1, 3, 4, 1]);
});

test('breadcrumbs rejects density + gamma > 1', () => {
  assert.equal(breadcrumbsMethod.paramsSchema.safeParse({ density: 0.9, gamma: 0.2 }).success, false);
});
