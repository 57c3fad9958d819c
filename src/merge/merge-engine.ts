import { performance } from 'node:perf_hooks';
import { Float32BufferPool } from './buffer-pool.js';
import { inlineMergeExecutor, type MergeExecutor } from './merge-executor.js';
import type { MergeInputs, PlannedTensor } from './merge-inputs.js';
import { resolveExpertParams } from './merge-recipe.js';
import type { TensorMergeInput } from './methods/merge-method.js';
import { findMergeMethod } from './methods/registry.js';

/** A progress report, emitted after each tensor of each pass. */
export interface MergeProgress {
  /** `collect`: the first pass of whole-model methods; `merge`: the pass producing tensors. */
  readonly phase: 'collect' | 'merge';
  readonly tensorsDone: number;
  readonly tensorsTotal: number;
  /** Input bytes processed so far in this phase (float32 base + task vectors). */
  readonly bytesDone: number;
  readonly bytesTotal: number;
  readonly elapsedMs: number;
}

/** Options of {@link streamMergedTensors}. */
export interface MergeRunOptions {
  /** Where tensors are merged (default: inline on this thread). */
  readonly executor?: MergeExecutor;
  /** Tensors in flight at once (default 1 inline; use the pool size with a pool). */
  readonly concurrency?: number;
  readonly signal?: AbortSignal;
  readonly onProgress?: (progress: MergeProgress) => void;
  /**
   * Reuse each yielded tensor's buffer once the next tensor is requested (for consumers that
   * write tensors out one at a time): a yielded `data` is then valid only until the next
   * iteration. Default false (every yielded tensor keeps its own buffer).
   */
  readonly recycleOutputs?: boolean;
}

/** One merged tensor, in plan order. */
export interface MergedTensor {
  readonly name: string;
  readonly shape: readonly number[];
  readonly data: Float32Array;
  /** Further names to store the same data under (tied projection). */
  readonly aliases: readonly string[];
  /** True when every task vector was zero and the base was passed through. */
  readonly isPassThrough: boolean;
}

/** Timings of one run, in milliseconds. */
export interface MergeTimings {
  collectMs: number;
  mergeMs: number;
}

function inputBytes(t: PlannedTensor, expertCount: number): number {
  return t.elementCount * 4 * (1 + expertCount);
}

/**
 * Reads θ_0 and every τ_t of one tensor (absent task vectors are zeros) into buffers from `pool`;
 * checks happen in the job.
 */
async function readTensorInput(
  inputs: MergeInputs,
  t: PlannedTensor,
  weights: Float64Array,
  expertParams: readonly Record<string, unknown>[],
  pool: Float32BufferPool,
): Promise<TensorMergeInput> {
  const base = await inputs.base.readF32(t.name, pool.acquire(t.elementCount));
  // The experts' reads run side by side on libuv's thread pool (a full-checkpoint expert
  // subtracts θ_0 after its own read, so only the base must come first).
  const deltas = await Promise.all(
    inputs.experts.map(async (expert, e) => {
      const into = pool.acquire(t.elementCount);
      if (!t.expertIndices.includes(e)) return into.fill(0);
      const delta = await expert.readDelta(t.name, base, into);
      if (delta !== into) pool.release(into.buffer);
      return delta;
    }),
  );
  return {
    name: t.name,
    shape: t.shape,
    kind: t.kind,
    base,
    deltas,
    weights,
    expertParams,
    seed: t.seed,
    isSvdExcluded: t.isSvdExcluded,
  };
}

/**
 * Merges the model tensor by tensor and yields each merged tensor in plan order. At most
 * `concurrency` tensors (each: θ_0, T task vectors and the output) are in memory at once, plus
 * the inputs of the next one (read while the others merge: file reads overlap the arithmetic), plus
 * as many recycled buffers (fresh memory costs a page fault per 4 KiB, more than the merge);
 * every input is read lazily. Methods with a collector get a first pass over the whole model. Tensors
 * whose task vectors are all zero (frozen tables, tensors no expert changes) pass the base through.
 * @throws AppError `MERGE_INPUT_INVALID` (NaN/Inf in an input), method errors; the signal's reason when aborted.
 */
export async function* streamMergedTensors(
  inputs: MergeInputs,
  options: MergeRunOptions = {},
  timings: MergeTimings = { collectMs: 0, mergeMs: 0 },
): AsyncGenerator<MergedTensor> {
  const { recipe, plan } = inputs;
  const executor = options.executor ?? inlineMergeExecutor;
  const concurrency = Math.max(1, options.concurrency ?? 1);
  const method = findMergeMethod(recipe.method);
  const expertParams = resolveExpertParams(recipe);
  const weights = Float64Array.from(recipe.experts.map((e) => e.weight));
  const expertCount = inputs.experts.length;
  const bytesTotal = plan.reduce((s, t) => s + inputBytes(t, expertCount), 0);
  const pool = new Float32BufferPool((concurrency + 1) * (expertCount + 2));
  const recycle = (buffers: readonly ArrayBuffer[]): void => pool.release(...buffers);
  options.signal?.throwIfAborted();

  let stats: unknown = undefined;
  if (method.createCollector !== undefined) {
    const started = performance.now();
    let done = 0;
    let bytesDone = 0;
    async function* observed(): AsyncGenerator<TensorMergeInput> {
      for (const t of plan) {
        options.signal?.throwIfAborted();
        yield await readTensorInput(inputs, t, weights, expertParams, pool);
        done++;
        bytesDone += inputBytes(t, expertCount);
        options.onProgress?.({
          phase: 'collect',
          tensorsDone: done,
          tensorsTotal: plan.length,
          bytesDone,
          bytesTotal,
          elapsedMs: performance.now() - started,
        });
      }
    }
    stats = await executor.collectStats(recipe.method, recipe.parameters, observed(), recycle);
    timings.collectMs = performance.now() - started;
  }

  const started = performance.now();
  // Inputs being read ahead, in plan order: the next tensor's, while the merges in flight run.
  const reads: Promise<TensorMergeInput>[] = [];
  let nextRead = 0;
  const readAhead = (): void => {
    while (nextRead < plan.length && reads.length < 1) {
      const r = readTensorInput(inputs, plan[nextRead++], weights, expertParams, pool);
      r.catch(() => undefined); // observed by the merge that takes it
      reads.push(r);
    }
  };
  const mergeOne = async (t: PlannedTensor, pending: Promise<TensorMergeInput>): Promise<MergedTensor> => {
    const input = await pending;
    const { data, isPassThrough, spent } = await executor.mergeTensor({
      method: recipe.method,
      params: recipe.parameters,
      stats,
      input,
      ...(options.recycleOutputs === true ? { out: pool.acquire(t.elementCount) } : {}),
    });
    recycle(spent);
    return { name: t.name, shape: t.shape, data, aliases: t.aliases, isPassThrough };
  };
  const inFlight: Promise<MergedTensor>[] = [];
  let next = 0;
  let done = 0;
  let bytesDone = 0;
  try {
    while (done < plan.length) {
      while (next < plan.length && inFlight.length < concurrency) {
        options.signal?.throwIfAborted();
        readAhead();
        const p = mergeOne(plan[next++], reads.shift() as Promise<TensorMergeInput>);
        p.catch(() => undefined); // observed below, in order; avoid unhandled rejections meanwhile
        inFlight.push(p);
      }
      readAhead();
      const merged = await (inFlight.shift() as Promise<MergedTensor>);
      done++;
      bytesDone += inputBytes(plan[done - 1], expertCount);
      timings.mergeMs = performance.now() - started;
      options.onProgress?.({
        phase: 'merge',
        tensorsDone: done,
        tensorsTotal: plan.length,
        bytesDone,
        bytesTotal,
        elapsedMs: timings.mergeMs,
      });
      yield merged;
      if (options.recycleOutputs === true) pool.release(merged.data.buffer);
    }
  } finally {
    await Promise.allSettled([...inFlight, ...reads]);
  }
}
