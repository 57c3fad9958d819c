import assert from 'node:assert/strict';
import { test } from 'node:test';
import { runTensorMergeJob } from './merge-executor.js';
import type { TensorMergeInput } from './methods/merge-method.js';

function input(base: number[], deltas: number[][]): TensorMergeInput {
  return {
    name: 'model.decoder.layer_norm.bias',
    shape: [base.length],
    kind: 'vector',
    base: Float32Array.from(base),
    deltas: deltas.map((d) => Float32Array.from(d)),
    weights: new Float64Array(deltas.length).fill(1),
    expertParams: deltas.map(() => ({})),
    seed: 1,
    isSvdExcluded: false,
  };
}

const job = (method: string, params: unknown, i: TensorMergeInput) => ({
  method,
  params,
  stats: undefined,
  input: i,
});

// task_arithmetic and linear skip the input scan (their output carries any NaN/Inf), ties does not:
// every path must still name the bad input, with the same error.
for (const [method, params] of [
  ['task_arithmetic', { lambda: 1, normalize: false }],
  ['linear', { normalize: true }],
  ['ties', { density: 1, lambda: 1, normalize: true }],
] as const) {
  test(`runTensorMergeJob(${method}) names a NaN or Inf input and its position`, async () => {
    await assert.rejects(
      runTensorMergeJob(
        job(
          method,
          params,
          input(
            [1, 2, 3],
            [
              [0, 0.1, 0],
              [0, Number.NaN, 0],
            ],
          ),
        ),
      ),
      {
        code: 'MERGE_INPUT_INVALID',
        message: /element 1 of expert #1 is NaN/,
      },
    );
    await assert.rejects(runTensorMergeJob(job(method, params, input([1, Infinity, 3], [[0, 0.1, 0]]))), {
      code: 'MERGE_INPUT_INVALID',
      message: /element 1 of the base is Infinity/,
    });
  });
}

test('runTensorMergeJob() refuses a non-finite base even when every task vector is zero (pass-through)', async () => {
  await assert.rejects(
    runTensorMergeJob(
      job('task_arithmetic', { lambda: 1, normalize: false }, input([Number.NaN, 1], [[0, 0]])),
    ),
    { code: 'MERGE_INPUT_INVALID', message: /element 0 of the base is NaN/ },
  );
});

test('runTensorMergeJob() reports an overflow of finite inputs as the method producing Inf', async () => {
  await assert.rejects(
    runTensorMergeJob(job('task_arithmetic', { lambda: 1, normalize: false }, input([3e38, 0], [[3e38, 1]]))),
    { code: 'INTERNAL', message: /produced Infinity at 0/ },
  );
});
