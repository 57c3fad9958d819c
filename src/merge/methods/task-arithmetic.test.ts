import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { makeTensorMergeInput, runMethodOnTensor } from './merge-method-contract.js';
import { taskArithmeticMethod } from './task-arithmetic.js';
import { linearMethod } from './linear.js';

const tensorOf = (n: number) =>
  fc.float32Array({ minLength: n, maxLength: n, min: -1e3, max: 1e3, noNaN: true, noDefaultInfinity: true });
const pair = fc.integer({ min: 1, max: 64 }).chain((n) => fc.tuple(tensorOf(n), tensorOf(n)));

test('task_arithmetic with one expert, weight 1 and lambda 1 reproduces the expert', async () => {
  await fc.assert(
    fc.asyncProperty(pair, async ([base, tuned]) => {
      const delta = tuned.map((v, i) => v - base[i]);
      const input = makeTensorMergeInput({ shape: [base.length], base, deltas: [delta] });
      const out = await runMethodOnTensor(
        taskArithmeticMethod,
        input,
        taskArithmeticMethod.paramsSchema.parse({ lambda: 1 }),
      );
      for (let i = 0; i < out.length; i++)
        assert.ok(Math.abs(out[i] - tuned[i]) <= 1e-3 * (1 + Math.abs(tuned[i])));
    }),
    { numRuns: 100 },
  );
});

test('task_arithmetic matches hand-computed values and is linear in lambda', async () => {
  const input = makeTensorMergeInput({
    shape: [3],
    base: Float32Array.of(1, 2, 3),
    deltas: [Float32Array.of(0.5, -1, 0), Float32Array.of(0.25, 1, 2)],
    weights: [1, 2],
  });
  const params = (lambda: number) => taskArithmeticMethod.paramsSchema.parse({ lambda });
  // θ0 + λ(1·τ1 + 2·τ2) with λ = 0.5: [1 + 0.5·1, 2 + 0.5·1, 3 + 0.5·4]
  assert.deepEqual([...(await runMethodOnTensor(taskArithmeticMethod, input, params(0.5)))], [1.5, 2.5, 5]);
  const one = await runMethodOnTensor(taskArithmeticMethod, input, params(1));
  const three = await runMethodOnTensor(taskArithmeticMethod, input, params(3));
  for (let i = 0; i < 3; i++)
    assert.ok(Math.abs(three[i] - input.base[i] - 3 * (one[i] - input.base[i])) < 1e-5);
});

test('task_arithmetic is invariant to expert order', async () => {
  const a = Float32Array.of(0.1, -0.2, 0.3);
  const b = Float32Array.of(-0.4, 0.5, 0.6);
  const base = Float32Array.of(1, 1, 1);
  const p = taskArithmeticMethod.paramsSchema.parse({ lambda: 0.7 });
  const ab = await runMethodOnTensor(
    taskArithmeticMethod,
    makeTensorMergeInput({ shape: [3], base, deltas: [a, b] }),
    p,
  );
  const ba = await runMethodOnTensor(
    taskArithmeticMethod,
    makeTensorMergeInput({ shape: [3], base, deltas: [b, a] }),
    p,
  );
  assert.deepEqual(ab, ba);
});

test('linear averages the experts, so it equals task_arithmetic with lambda = 1/T', async () => {
  const base = Float32Array.of(1, -1, 0.5, 2);
  const deltas = [
    Float32Array.of(0.2, 0.4, -0.6, 0),
    Float32Array.of(-0.2, 0.2, 0.6, 1),
    Float32Array.of(0.3, 0, 0, -1),
  ];
  const input = makeTensorMergeInput({ shape: [4], base, deltas });
  const soup = await runMethodOnTensor(linearMethod, input, linearMethod.paramsSchema.parse({}));
  const ta = await runMethodOnTensor(
    taskArithmeticMethod,
    input,
    taskArithmeticMethod.paramsSchema.parse({ lambda: 1 / 3 }),
  );
  for (let i = 0; i < 4; i++) assert.ok(Math.abs(soup[i] - ta[i]) < 1e-6);
  // θ_t = θ0 + τ_t; hand value at index 0: (1.2 + 0.8 + 1.3) / 3 = 1.1
  assert.ok(Math.abs(soup[0] - 1.1) < 1e-6);
});

test('linear with weights 1 and 3 is the weighted mean of the full weights', async () => {
  const input = makeTensorMergeInput({
    shape: [1],
    base: Float32Array.of(0),
    deltas: [Float32Array.of(4), Float32Array.of(8)],
    weights: [1, 3],
  });
  const out = await runMethodOnTensor(linearMethod, input, linearMethod.paramsSchema.parse({}));
  assert.equal(out[0], 7); // (1·4 + 3·8)/4
});
