import assert from 'node:assert/strict';
import { test } from 'node:test';
import { makeTensorMergeInput, pseudoRandomTensor, runMethodOnTensor } from './merge-method-contract.js';
import { tiesGlobalMethod } from './ties-global.js';
import { tiesMethod } from './ties.js';

test('ties with density 1 and agreeing signs is the mean of the task vectors (dis-mean)', async () => {
  const base = Float32Array.of(1, 2, 3, 4);
  const deltas = [
    Float32Array.of(0.1, -0.2, 0.3, 0),
    Float32Array.of(0.3, -0.4, 0.1, 0),
    Float32Array.of(0.2, -0.3, 0.2, 0),
  ];
  const out = await runMethodOnTensor(
    tiesMethod,
    makeTensorMergeInput({ shape: [4], base, deltas }),
    tiesMethod.paramsSchema.parse({ density: 1, lambda: 1 }),
  );
  const expected = [1.2, 1.7, 3.2, 4];
  for (let i = 0; i < 4; i++) assert.ok(Math.abs(out[i] - expected[i]) < 1e-6, `${i}: ${out[i]}`);
});

test('ties with normalize false (dis-sum) and density 1 sums the agreeing task vectors', async () => {
  const out = await runMethodOnTensor(
    tiesMethod,
    makeTensorMergeInput({
      shape: [2],
      base: Float32Array.of(0, 0),
      deltas: [Float32Array.of(1, 2), Float32Array.of(3, 4)],
    }),
    tiesMethod.paramsSchema.parse({ density: 1, normalize: false }),
  );
  assert.deepEqual([...out], [4, 6]);
});

test('ties trims to the top density fraction, elects the mass sign and averages only agreeing entries', async () => {
  // τ1 = [4, -1, 0.5, -3]; density 0.5 keeps the two largest |x|: [4, 0, 0, -3]
  // τ2 = [-1, -2, 1, 5];   density 0.5 keeps [0, -2, 0, 5]
  // sums: [4, -2, 0, 2] → signs [+, −, + (zero → +), +]
  // index 0: only τ1 (+4) agrees → 4; 1: only τ2 (−2) → −2; 2: nothing kept → 0; 3: τ2 (+5) agrees → 5
  const input = makeTensorMergeInput({
    shape: [4],
    base: new Float32Array(4),
    deltas: [Float32Array.of(4, -1, 0.5, -3), Float32Array.of(-1, -2, 1, 5)],
  });
  const out = await runMethodOnTensor(
    tiesMethod,
    input,
    tiesMethod.paramsSchema.parse({ density: 0.5, lambda: 2 }),
  );
  assert.deepEqual([...out], [8, -4, 0, 10]);
});

test('ties applies a per-expert density override', async () => {
  const input = makeTensorMergeInput({
    shape: [4],
    base: new Float32Array(4),
    deltas: [Float32Array.of(4, 3, 2, 1), Float32Array.of(4, 3, 2, 1)],
    expertParams: [{ density: 0.25 }, { density: 1 }],
  });
  const out = await runMethodOnTensor(tiesMethod, input, tiesMethod.paramsSchema.parse({ density: 0.25 }));
  assert.deepEqual([...out], [4, 3, 2, 1]); // expert 1 keeps everything, expert 0 only index 0; mean of agreeing
});

test('ties_global picks one whole-model threshold per task: a tensor of small values is fully trimmed', async () => {
  const params = tiesGlobalMethod.paramsSchema.parse({ density: 0.5 });
  const big = makeTensorMergeInput({
    name: 'a.weight',
    shape: [4],
    base: new Float32Array(4),
    deltas: [Float32Array.of(5, 6, 7, 8)],
  });
  const small = makeTensorMergeInput({
    name: 'b.weight',
    shape: [4],
    base: new Float32Array(4),
    deltas: [Float32Array.of(1, 2, 3, 4)],
  });
  const collector = tiesGlobalMethod.createCollector?.(params);
  assert.ok(collector !== undefined);
  collector.observe(big);
  collector.observe(small);
  const stats = collector.finish();
  const outBig = new Float32Array(4);
  const outSmall = new Float32Array(4);
  tiesGlobalMethod.mergeTensorInto(outBig, big, params, stats);
  tiesGlobalMethod.mergeTensorInto(outSmall, small, params, stats);
  assert.deepEqual([...outBig], [5, 6, 7, 8]);
  assert.deepEqual([...outSmall], [0, 0, 0, 0]);
  // Per-tensor TIES would keep the top half of each tensor instead.
  const perTensor = await runMethodOnTensor(
    tiesMethod,
    small,
    tiesMethod.paramsSchema.parse({ density: 0.5 }),
  );
  assert.deepEqual([...perTensor], [0, 0, 3, 4]);
});

test('ties_global on a single tensor keeps about the same entries as per-tensor ties', async () => {
  const n = 4096;
  const input = makeTensorMergeInput({
    shape: [64, 64],
    base: new Float32Array(n),
    deltas: [pseudoRandomTensor(n, 1), pseudoRandomTensor(n, 2), pseudoRandomTensor(n, 3)],
  });
  const g = await runMethodOnTensor(
    tiesGlobalMethod,
    input,
    tiesGlobalMethod.paramsSchema.parse({ density: 0.2 }),
  );
  const l = await runMethodOnTensor(tiesMethod, input, tiesMethod.paramsSchema.parse({ density: 0.2 }));
  let differ = 0;
  for (let i = 0; i < n; i++) if (g[i] !== l[i]) differ++;
  assert.ok(differ <= n * 0.01, `${differ} entries differ`); // histogram threshold: at most a bin's worth more
});
