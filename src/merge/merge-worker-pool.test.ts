import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { writeDeltaExpert, writeTinyBase } from './merge-fixtures.js';
import { parseMergeRecipe } from './merge-recipe.js';
import { mergeToMemory } from './merge-to-memory.js';
import { MergeWorkerPool } from './merge-worker-pool.js';
import { makeTensorMergeInput, pseudoRandomTensor } from './methods/merge-method-contract.js';
import { createMergeWorkerHandler } from './merge-worker-handler.js';
import { toWire } from './merge.messages.js';

let root = '';
let pool: MergeWorkerPool;

before(async () => {
  root = await mkdtemp(join(tmpdir(), 'chorus-pool-'));
  await writeTinyBase(join(root, 'base'));
  await writeDeltaExpert(join(root, 'base'), join(root, 'a.safetensors'), 1);
  await writeDeltaExpert(join(root, 'base'), join(root, 'b.safetensors'), 2);
  pool = new MergeWorkerPool({ threadCount: 2 });
});

after(async () => {
  await pool.close();
  await rm(root, { recursive: true, force: true });
});

const recipeFor = (method: string, parameters: Record<string, unknown>) =>
  parseMergeRecipe({
    base: join(root, 'base'),
    method,
    parameters,
    experts: [{ path: join(root, 'a.safetensors') }, { path: join(root, 'b.safetensors') }],
    seed: 5,
  });

test('MergeWorkerPool merges bit-identically to the inline executor, including a two-pass method', async () => {
  for (const [method, parameters] of [
    ['dare_ties', { density: 0.7 }],
    ['ties_global', { density: 0.3 }],
    // the randomized SVD, polar factors and nuclear norms: WebAssembly kernels in each worker
    ['boosted_tsv_m', { svd: 'randomized' }],
  ] as const) {
    const r = recipeFor(method, parameters);
    const inline = await mergeToMemory(r);
    const pooled = await mergeToMemory(r, { executor: pool, concurrency: 2 });
    assert.equal(pooled.id, inline.id);
    for (const name of inline.weights.tensorNames)
      assert.deepEqual(pooled.weights.get(name), inline.weights.get(name), name);
  }
});

test('MergeWorkerPool rebuilds worker errors into AppError with their code', async () => {
  const input = makeTensorMergeInput({
    shape: [4],
    base: new Float32Array(4),
    deltas: [pseudoRandomTensor(4, 1)],
  });
  await assert.rejects(
    pool.mergeTensor({
      method: 'tall_mask',
      params: { target: 3, lambda: 1, mask_lambda: 0.6, base_merge: 'task_arithmetic', density: 0.2 },
      stats: undefined,
      input,
    }),
    { name: 'AppError', code: 'MERGE_RECIPE_INVALID' },
  );
});

test('the worker handler runs on the main thread and reports unknown methods as failures', async () => {
  const handle = createMergeWorkerHandler();
  const { wire } = toWire(
    makeTensorMergeInput({ shape: [2], base: Float32Array.of(1, 2), deltas: [Float32Array.of(1, 1)] }),
  );
  const ok = await handle({
    type: 'merge',
    jobId: 1,
    method: 'task_arithmetic',
    params: { lambda: 1, normalize: false },
    stats: undefined,
    input: wire,
  });
  assert.equal(ok.reply.type, 'merged');
  if (ok.reply.type === 'merged') assert.deepEqual([...new Float32Array(ok.reply.result)], [2, 3]);
  const bad = await handle({ type: 'collect-begin', jobId: 2, method: 'nope', params: {} });
  assert.deepEqual(bad.reply, {
    type: 'failed',
    jobId: 2,
    code: 'MERGE_RECIPE_INVALID',
    message: (bad.reply as { message: string }).message,
  });
});

test('MergeWorkerPool.close() is idempotent and later calls throw RESOURCE_CLOSED', async () => {
  const p = new MergeWorkerPool({ threadCount: 1 });
  await p.close();
  await p.close();
  const input = makeTensorMergeInput({
    shape: [1],
    base: new Float32Array(1),
    deltas: [new Float32Array(1)],
  });
  await assert.rejects(
    p.mergeTensor({ method: 'linear', params: { normalize: true }, stats: undefined, input }),
    {
      code: 'RESOURCE_CLOSED',
    },
  );
});
