import assert from 'node:assert/strict';
import { test } from 'node:test';
import { consensusMethod } from './consensus.js';
import { makeTensorMergeInput, runMethodOnTensor } from './merge-method-contract.js';
import { tallMaskMethod } from './tall-mask.js';

// τ1 = [1, 1, 0.1, 0], τ2 = [1, −0.1, 0.1, 0]; τ_MTL = [2, 0.9, 0.2, 0]
// mask λ = 0.6: m1 = |τ1| > 0.6|τ_MTL − τ1| = [1 > 0.6, 1 > 0.06, 0.1 > 0.06, 0 > 0] = [1, 1, 1, 0]
//               m2 = [1 > 0.6, 0.1 > 0.6, 0.1 > 0.06, 0] = [1, 0, 1, 0]
// votes = [2, 1, 2, 0]
const input = makeTensorMergeInput({
  shape: [4],
  base: Float32Array.of(10, 10, 10, 10),
  deltas: [Float32Array.of(1, 1, 0.1, 0), Float32Array.of(1, -0.1, 0.1, 0)],
});

test('consensus keeps τ_MTL where at least k TALL masks agree', async () => {
  const k2 = await runMethodOnTensor(
    consensusMethod,
    input,
    consensusMethod.paramsSchema.parse({ k: 2, lambda: 1, mask_lambda: 0.6 }),
  );
  assert.deepEqual(
    [...k2].map((v) => Math.round(v * 1e5) / 1e5),
    [12, 10, 10.2, 10],
  );
  const k1 = await runMethodOnTensor(
    consensusMethod,
    input,
    consensusMethod.paramsSchema.parse({ k: 1, lambda: 1, mask_lambda: 0.6 }),
  );
  assert.deepEqual(
    [...k1].map((v) => Math.round(v * 1e5) / 1e5),
    [12, 10.9, 10.2, 10],
  );
});

test('consensus with k = 0 is task arithmetic and with k > T is the base', async () => {
  const k0 = await runMethodOnTensor(
    consensusMethod,
    input,
    consensusMethod.paramsSchema.parse({ k: 0, lambda: 0.5 }),
  );
  assert.deepEqual(
    [...k0].map((v) => Math.round(v * 1e5) / 1e5),
    [11, 10.45, 10.1, 10],
  );
  const k3 = await runMethodOnTensor(
    consensusMethod,
    input,
    consensusMethod.paramsSchema.parse({ k: 3, lambda: 0.5 }),
  );
  assert.deepEqual([...k3], [...input.base]);
});

test('tall_mask builds θ0 + m_t ⊙ τ_MTL for the target expert', async () => {
  const t1 = await runMethodOnTensor(
    tallMaskMethod,
    input,
    tallMaskMethod.paramsSchema.parse({ target: 1, mask_lambda: 0.6 }),
  );
  assert.deepEqual(
    [...t1].map((v) => Math.round(v * 1e5) / 1e5),
    [12, 10, 10.2, 10],
  );
  await assert.rejects(
    runMethodOnTensor(tallMaskMethod, input, tallMaskMethod.paramsSchema.parse({ target: 5 })),
    { code: 'MERGE_RECIPE_INVALID' },
  );
});

test('consensus with base_merge ties trims τ_MTL to the top density of each task (dis-sum)', async () => {
  // density 0.5 keeps the two largest |τ| per task: τ1 → [1, 1, 0, 0], τ2 → [1, 0, 0.1, 0] (ties at 0.1: kept)
  const r = await runMethodOnTensor(
    consensusMethod,
    input,
    consensusMethod.paramsSchema.parse({ k: 0, lambda: 1, base_merge: 'ties', density: 0.5 }),
  );
  assert.deepEqual(
    [...r].map((v) => Math.round(v * 1e5) / 1e5),
    [12, 11, 10.1, 10],
  );
});
