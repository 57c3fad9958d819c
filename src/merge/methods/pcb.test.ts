import assert from 'node:assert/strict';
import { test } from 'node:test';
import { makeTensorMergeInput, runMethodOnTensor } from './merge-method-contract.js';
import { pcbGlobalMethod } from './pcb-global.js';
import { pcbMethod } from './pcb.js';

test('pcb with two identical task vectors reproduces them where they survive the ratio', async () => {
  const n = 100;
  const delta = new Float32Array(n);
  for (let i = 0; i < n; i++) delta[i] = (i + 1) / n;
  const input = makeTensorMergeInput({ shape: [n], base: new Float32Array(n), deltas: [delta, delta] });
  const out = await runMethodOnTensor(
    pcbMethod,
    input,
    pcbMethod.paramsSchema.parse({ ratio: 0.1, lambda: 1, clip_ratio: 0 }),
  );
  // The balance score grows with |x|, so only the top 10 % (above the 0.9 quantile) get a non-zero scale;
  // there the weighted mean of identical vectors is the vector itself.
  let nonZero = 0;
  for (let i = 0; i < n; i++) {
    if (out[i] !== 0) {
      nonZero++;
      assert.ok(i >= 89, `index ${i} survived`);
      assert.ok(Math.abs(out[i] - delta[i]) < 1e-6);
    }
  }
  assert.ok(nonZero >= 9 && nonZero <= 10, `${nonZero}`);
});

test('pcb_global equals pcb when the model is one tensor (the sample is the whole model)', async () => {
  const n = 300;
  const deltas = [new Float32Array(n), new Float32Array(n)].map((d, t) => {
    for (let i = 0; i < n; i++) d[i] = Math.sin(i * (t + 1) * 0.37) * 0.01;
    return d;
  });
  const input = makeTensorMergeInput({ shape: [n], base: new Float32Array(n), deltas });
  const params = pcbMethod.paramsSchema.parse({});
  const local = await runMethodOnTensor(pcbMethod, input, params);
  const global = await runMethodOnTensor(pcbGlobalMethod, input, params);
  for (let i = 0; i < n; i++)
    assert.ok(Math.abs(local[i] - global[i]) <= 1e-9, `${i}: ${local[i]} vs ${global[i]}`);
});
