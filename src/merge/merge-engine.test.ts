import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { inlineMergeExecutor, type MergeExecutor } from './merge-executor.js';
import {
  FROZEN_TENSOR,
  writeCheckpointExpert,
  writeDeltaExpert,
  writeLoraExpert,
  writeTinyBase,
} from './merge-fixtures.js';
import { streamMergedTensors, type MergeProgress, type MergeRunOptions } from './merge-engine.js';
import { openMergeInputs } from './merge-inputs.js';
import { parseMergeRecipe } from './merge-recipe.js';
import { MergeWorkerPool } from './merge-worker-pool.js';

let root = '';
let pool: MergeWorkerPool;
const experts: string[] = [];

before(async () => {
  root = await mkdtemp(join(tmpdir(), 'chorus-engine-'));
  const base = join(root, 'base');
  await writeTinyBase(base);
  // One expert in each form, the delta covering only the decoder (absent τ = zeros).
  experts.push(join(root, 'ckpt'), join(root, 'delta.safetensors'), join(root, 'lora'));
  await writeCheckpointExpert(base, experts[0], 11);
  await writeDeltaExpert(base, experts[1], 22, { only: (n) => n.includes('decoder') });
  await writeLoraExpert(base, experts[2], 33);
  pool = new MergeWorkerPool({ threadCount: 2 });
});

after(async () => {
  await pool.close();
  await rm(root, { recursive: true, force: true });
});

/** The experts weighted 1, 0.5, −0.25; TIES recipes give the second its own density. */
function recipeFor(method: string, parameters: Record<string, unknown>, paths = experts) {
  return parseMergeRecipe({
    base: join(root, 'base'),
    method,
    parameters,
    experts: paths.map((path, i) => ({
      path,
      weight: [1, 0.5, -0.25][i],
      ...(method === 'ties' && i === 1 ? { parameters: { density: 0.6 } } : {}),
    })),
  });
}

interface Run {
  readonly tensors: Map<string, { data: Float32Array; isPassThrough: boolean }>;
  readonly order: string[];
  /** Largest input (θ_0 elements) any merge job was given. */
  readonly largestJob: number;
  /** Task-statistic jobs run (methods with `taskStatistic`, tensors merged in blocks). */
  readonly statisticJobs: number;
  readonly progress: MergeProgress[];
}

/** Runs the engine, copying every yielded tensor (recycled outputs are only valid until the next). */
async function run(
  method: string,
  parameters: Record<string, unknown>,
  options: MergeRunOptions & { readonly executor?: MergeExecutor },
  paths = experts,
): Promise<Run> {
  const executor = options.executor ?? inlineMergeExecutor;
  let largestJob = 0;
  let statisticJobs = 0;
  const observed: MergeExecutor = {
    mergeTensor(job) {
      largestJob = Math.max(largestJob, job.input.base.length);
      return executor.mergeTensor(job);
    },
    taskStatistic(job) {
      largestJob = Math.max(largestJob, job.delta.length);
      statisticJobs++;
      return executor.taskStatistic(job);
    },
    streamStates: (job) => executor.streamStates(job),
    collectStats: (...args) => executor.collectStats(...args),
  };
  const progress: MergeProgress[] = [];
  const tensors = new Map<string, { data: Float32Array; isPassThrough: boolean }>();
  const order: string[] = [];
  await using inputs = await openMergeInputs(recipeFor(method, parameters, paths));
  for await (const t of streamMergedTensors(inputs, {
    ...options,
    executor: observed,
    onProgress: (p) => progress.push(p),
  })) {
    assert.equal(
      t.data.length,
      t.shape.reduce((a, b) => a * b, 1),
      `${t.name} has its whole shape`,
    );
    tensors.set(t.name, { data: t.data.slice(), isPassThrough: t.isPassThrough });
    order.push(t.name);
  }
  return { tensors, order, largestJob, statisticJobs, progress };
}

function assertSameMerge(blocked: Run, whole: Run, what: string): void {
  assert.deepEqual(blocked.order, whole.order, `${what}: same tensors in the same order`);
  for (const [name, w] of whole.tensors) {
    const b = blocked.tensors.get(name)!;
    assert.equal(b.isPassThrough, w.isPassThrough, `${what}: ${name} pass-through`);
    // bit for bit, including the sign of zero
    assert.deepEqual(
      new Uint32Array(b.data.buffer, b.data.byteOffset, b.data.length),
      new Uint32Array(w.data.buffer, w.data.byteOffset, w.data.length),
      `${what}: ${name}`,
    );
  }
}

test('element-wise methods merged in row blocks give the same bits as whole tensors, inline and in workers', async () => {
  for (const [method, parameters] of [
    ['task_arithmetic', { lambda: 0.7 }],
    ['linear', { normalize: true }],
  ] as const) {
    const whole = await run(method, parameters, { blockElements: Infinity });
    // The tiny model's largest tensors (embedding 96×16, fc 32×16) exceed 40 elements: blocks of
    // 2-3 rows, the last one shorter.
    for (const options of [
      { blockElements: 40 },
      { blockElements: 40, recycleOutputs: true },
      { blockElements: 40, executor: pool, concurrency: 2 },
      { blockElements: 40, executor: pool, concurrency: 2, recycleOutputs: true },
    ]) {
      const blocked = await run(method, parameters, options);
      const what = `${method}, ${'executor' in options ? 'workers' : 'inline'}${options.recycleOutputs === true ? ', recycled outputs' : ''}`;
      assertSameMerge(blocked, whole, what);
      // A block holds at least one row: conv2's rows are 16×3 = 48 elements.
      assert.ok(blocked.largestJob <= 48, `${what}: jobs of one block (got ${blocked.largestJob})`);
    }
    assert.equal(whole.largestJob, 96 * 16, 'without blocks the embedding is merged whole');
    assert.equal(whole.tensors.get(FROZEN_TENSOR)?.isPassThrough, true);
  }
});

test('TIES merged in row blocks, each τ_t threshold taken from the whole tensor, gives the same bits', async () => {
  // per-expert density overrides reach the thresholds of blocked tensors too
  const parameters = { density: 0.3, lambda: 0.9 };
  const whole = await run('ties', parameters, { blockElements: Infinity });
  assert.equal(whole.statisticJobs, 0);
  for (const options of [{ blockElements: 40 }, { blockElements: 40, executor: pool, concurrency: 2 }]) {
    const blocked = await run('ties', parameters, options);
    const what = `ties, ${'executor' in options ? 'workers' : 'inline'}`;
    assertSameMerge(blocked, whole, what);
    // The threshold jobs see one whole τ_t at a time (the embedding: 96×16); the merges only blocks.
    assert.equal(blocked.largestJob, 96 * 16, what);
    assert.ok(blocked.statisticJobs >= 3 * 3, `${what}: a threshold per expert per blocked tensor`);
  }
});

test('TALL-mask methods (consensus, tall_mask) merged in row blocks give the same bits, with TA or TIES τ_MTL', async () => {
  for (const [method, parameters] of [
    ['consensus', { k: 2, base_merge: 'task_arithmetic' }],
    ['consensus', { k: 1, base_merge: 'ties', density: 0.3 }],
    ['tall_mask', { target: 1, base_merge: 'ties', density: 0.3 }],
  ] as const) {
    const whole = await run(method, parameters, { blockElements: Infinity });
    const blocked = await run(method, parameters, { blockElements: 40 });
    assertSameMerge(blocked, whole, `${method} ${parameters.base_merge}`);
    // τ_t is read whole for the thresholds only when τ_MTL is a TIES merge
    if (parameters.base_merge === 'ties') assert.ok(blocked.statisticJobs > 0, `${method}: thresholds`);
    else assert.equal(blocked.statisticJobs, 0, `${method}: no thresholds for a task-arithmetic τ_MTL`);
  }
});

test('subspace methods take the tensors outside their SVD path in blocks, with the same bits', async () => {
  for (const method of ['tsv_m', 'lors']) {
    const whole = await run(method, {}, { blockElements: Infinity });
    const blocked = await run(method, {}, { blockElements: 40 });
    assertSameMerge(blocked, whole, method);
    assert.equal(whole.largestJob, 96 * 16, `${method}: the excluded embedding whole`);
    // the fc matrices (32×16) take the SVD path whole; the embedding and convs go in blocks
    assert.equal(blocked.largestJob, 32 * 16, `${method}: blocked`);
  }
});

test('two-pass methods (ties_global, pcb_global) read and merge in row blocks in both passes, with the same bits', async () => {
  for (const method of ['ties_global', 'pcb_global']) {
    const whole = await run(method, {}, { blockElements: Infinity });
    for (const options of [{ blockElements: 40 }, { blockElements: 40, executor: pool, concurrency: 2 }]) {
      const blocked = await run(method, {}, options);
      const what = `${method}, ${'executor' in options ? 'workers' : 'inline'}`;
      assertSameMerge(blocked, whole, what);
      assert.ok(blocked.largestJob <= 48, `${what}: merged in blocks (got ${blocked.largestJob})`);
      const collect = blocked.progress.filter((p) => p.phase === 'collect');
      assert.ok(collect.length > whole.tensors.size, `${what}: the first pass reads blocks too`);
      assert.equal(collect.at(-1)?.bytesDone, collect.at(-1)?.bytesTotal);
    }
  }
});

test('row-wise Breadcrumbs merged in row blocks gives the same bits (a block holds whole rows)', async () => {
  const parameters = { density: 0.5, gamma: 0.1 };
  const whole = await run('breadcrumbs', parameters, { blockElements: Infinity });
  assert.equal(whole.largestJob, 96 * 16);
  // 10: the 16- and 32-element biases (one row each) exceed it too, and must stay whole
  for (const blockElements of [40, 10]) {
    const blocked = await run('breadcrumbs', parameters, { blockElements });
    assertSameMerge(blocked, whole, `breadcrumbs, blocks of ${blockElements}`);
    assert.ok(blocked.largestJob <= 48, `breadcrumbs: blocked (got ${blocked.largestJob})`);
  }
});

test('random methods (DARE, DELLA) merged in row blocks resume each task stream and give the same bits', async () => {
  for (const method of ['dare_linear', 'dare_ties', 'della']) {
    const parameters = method === 'della' ? {} : { density: 0.5 };
    const whole = await run(method, parameters, { blockElements: Infinity });
    for (const options of [{ blockElements: 40 }, { blockElements: 40, executor: pool, concurrency: 2 }]) {
      const blocked = await run(method, parameters, options);
      const what = `${method}, ${'executor' in options ? 'workers' : 'inline'}`;
      assertSameMerge(blocked, whole, what);
      assert.ok(blocked.largestJob <= 48, `${what}: merged in blocks (got ${blocked.largestJob})`);
    }
  }
});

test('methods with per-tensor statistics across experts merge whole tensors whatever the block size', async () => {
  // Model Stock's interpolation ratio comes from the angles between the whole task vectors.
  const whole = await run('model_stock', {}, { blockElements: Infinity });
  const small = await run('model_stock', {}, { blockElements: 40 });
  assertSameMerge(small, whole, 'model_stock');
  assert.equal(small.largestJob, 96 * 16);
});

test('progress counts blocks as they finish and tensors when their last block does', async () => {
  const { progress, tensors } = await run('task_arithmetic', {}, { blockElements: 40 });
  const last = progress.at(-1)!;
  assert.equal(last.tensorsDone, tensors.size);
  assert.equal(last.tensorsTotal, tensors.size);
  assert.equal(last.bytesDone, last.bytesTotal);
  assert.ok(progress.length > tensors.size, 'a report per block');
  for (let i = 1; i < progress.length; i++) {
    assert.ok(progress[i].bytesDone > progress[i - 1].bytesDone);
    assert.ok(progress[i].tensorsDone - progress[i - 1].tensorsDone <= 1);
  }
});

test('a NaN in a late block is refused, naming its index in the whole tensor', async () => {
  const name = 'model.decoder.embed_tokens.weight';
  const at = 90 * 16 + 5; // in the last rows
  const nan = join(root, 'nan.safetensors');
  await writeDeltaExpert(join(root, 'base'), nan, 5, {
    mutate: (n, d) => {
      if (n === name) d[at] = Number.NaN;
    },
  });
  for (const [method, executor] of [
    ['task_arithmetic', inlineMergeExecutor],
    ['task_arithmetic', pool],
    ['ties', inlineMergeExecutor], // refused by the threshold job, before any block
    ['ties', pool],
  ] as const) {
    await assert.rejects(run(method, {}, { blockElements: 40, executor }, [nan]), (e: Error) => {
      assert.equal((e as Error & { code?: string }).code, 'MERGE_INPUT_INVALID');
      assert.match(e.message, new RegExp(`${name}: element ${at} of expert #0 is NaN`));
      return true;
    });
  }
});

test('a block size below one element is refused before anything is read', async () => {
  for (const blockElements of [0, -5, Number.NaN]) {
    await assert.rejects(run('task_arithmetic', {}, { blockElements }), { code: 'INTERNAL' });
  }
});
