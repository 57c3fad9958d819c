import assert from 'node:assert/strict';
import { test } from 'node:test';
import { dareLinearMethod } from './dare-linear.js';
import { dareTiesMethod } from './dare-ties.js';
import { makeTensorMergeInput, runMethodOnTensor } from './merge-method-contract.js';

test('dare_linear keeps about `density` of the entries, rescaled by 1/density', async () => {
  const n = 100_000;
  const delta = new Float32Array(n).fill(1);
  const input = makeTensorMergeInput({ shape: [n], base: new Float32Array(n), deltas: [delta], seed: 42 });
  const out = await runMethodOnTensor(
    dareLinearMethod,
    input,
    dareLinearMethod.paramsSchema.parse({ density: 0.3 }),
  );
  let kept = 0;
  let sum = 0;
  for (let i = 0; i < n; i++) {
    if (out[i] !== 0) {
      kept++;
      assert.ok(Math.abs(out[i] - 1 / 0.3) < 1e-6);
    }
    sum += out[i];
  }
  // Binomial(n, 0.3): sd = sqrt(n·0.3·0.7) ≈ 145; 6 sd bound.
  assert.ok(Math.abs(kept - 0.3 * n) < 6 * 145, `kept ${kept}`);
  // E[out] = delta: the mean of out is 1 within 6 sd of the mean (sd ≈ sqrt(0.7/0.3/n) ≈ 0.0048).
  assert.ok(Math.abs(sum / n - 1) < 6 * 0.0048, `mean ${sum / n}`);
});

test('dare_linear is unbiased: the mean over seeds of the merged tensor approaches task arithmetic', async () => {
  const delta = Float32Array.of(0.5, -1, 2, 0.25);
  const base = Float32Array.of(1, 1, 1, 1);
  const seeds = 4000;
  const acc = new Float64Array(4);
  const params = dareLinearMethod.paramsSchema.parse({ density: 0.5 });
  for (let s = 0; s < seeds; s++) {
    const out = await runMethodOnTensor(
      dareLinearMethod,
      makeTensorMergeInput({ shape: [4], base, deltas: [delta], seed: s }),
      params,
    );
    for (let i = 0; i < 4; i++) acc[i] += out[i];
  }
  for (let i = 0; i < 4; i++) {
    const sd = Math.abs(delta[i]) / Math.sqrt(seeds); // per-draw sd is |δ|·sqrt((1−p)/p) = |δ| at p = ½
    assert.ok(Math.abs(acc[i] / seeds - (base[i] + delta[i])) < 6 * sd, `index ${i}: ${acc[i] / seeds}`);
  }
});

test('dare: same seed gives the same bits, a different seed a different mask', async () => {
  const n = 1000;
  const delta = new Float32Array(n).fill(0.1);
  const run = (seed: number) =>
    runMethodOnTensor(
      dareTiesMethod,
      makeTensorMergeInput({ shape: [n], base: new Float32Array(n), deltas: [delta, delta], seed }),
      dareTiesMethod.paramsSchema.parse({ density: 0.5 }),
    );
  assert.deepEqual(await run(7), await run(7));
  assert.notDeepEqual(await run(7), await run(8));
});

test('dare with density 1 equals plain task arithmetic / TIES without trimming', async () => {
  const input = makeTensorMergeInput({
    shape: [3],
    base: Float32Array.of(0, 0, 0),
    deltas: [Float32Array.of(1, -2, 3), Float32Array.of(3, 2, -1)],
  });
  const lin = await runMethodOnTensor(
    dareLinearMethod,
    input,
    dareLinearMethod.paramsSchema.parse({ density: 1 }),
  );
  assert.deepEqual([...lin], [4, 0, 2]);
  const ties = await runMethodOnTensor(
    dareTiesMethod,
    input,
    dareTiesMethod.paramsSchema.parse({ density: 1 }),
  );
  // signs of the sums [4, 0 → +, 2]: index 0 mean(1,3)=2; index 1 only +2 → 2; index 2 only 3 → 3
  assert.deepEqual([...ties], [2, 2, 3]);
});
