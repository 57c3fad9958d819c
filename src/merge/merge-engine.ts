import { performance } from 'node:perf_hooks';
import { elementsPerRow, rowCountOf, type RowRange } from '../checkpoint/index.js';
import { AppError } from '../shared/index.js';
import { Float32BufferPool } from './buffer-pool.js';
import { inlineMergeExecutor, type MergeExecutor } from './merge-executor.js';
import type { MergeInputs, PlannedTensor } from './merge-inputs.js';
import { resolveExpertParams } from './merge-recipe.js';
import type { TensorMergeInput } from './methods/merge-method.js';
import { findMergeMethod, type AnyMergeMethod } from './methods/registry.js';

/** A progress report, emitted after each tensor of each pass (and each block of a tensor merged in blocks). */
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
  /**
   * Tensors of more elements than this are read and merged in blocks of whole rows of about this
   * many elements where the method allows it (`MergeMethod.isElementwise`, `isRowwise`,
   * `taskStatistic`, `isElementwiseFor`), so only a block of θ_0 and of each τ_t is in memory at
   * once (the output is still whole). Default {@link DEFAULT_BLOCK_ELEMENTS}; `Infinity` merges
   * every tensor whole. The result is the same.
   */
  readonly blockElements?: number;
}

/**
 * Default block size of {@link MergeRunOptions.blockElements}: 4 Mi elements (16 MiB per input).
 * Whisper's token embedding (51865 × 768 in small, × 1280 in large-v3) is the one tensor above it;
 * merging it in blocks keeps its 1 + T inputs (T = experts) from needing 160-265 MB each.
 */
export const DEFAULT_BLOCK_ELEMENTS = 1 << 22;

/**
 * `blockElements` of an option, checked: a number ≥ 1 (`Infinity`: no blocks).
 * @throws AppError `INTERNAL` for anything else (a caller's bug, not a user input).
 */
export function checkedBlockElements(value: number | undefined): number {
  const n = value ?? DEFAULT_BLOCK_ELEMENTS;
  if (!(n >= 1))
    throw new AppError('INTERNAL', `Cannot merge in blocks of ${n} elements: expected a number ≥ 1`);
  return n;
}

/** One piece of work of the merge pass: a whole tensor, or a block of its rows. */
interface MergeUnit {
  readonly tensor: PlannedTensor;
  /** The block's rows; undefined for the whole tensor. */
  readonly rows?: RowRange;
  /** Input elements of the unit (θ_0's; each τ_t has as many). */
  readonly elementCount: number;
  /** Index in the whole tensor of the unit's first element (0 for a whole tensor). */
  readonly firstElement: number;
  /** Index of the block among its tensor's blocks (0 for a whole tensor). */
  readonly block: number;
  /** True for a whole tensor and for the last block of one. */
  readonly isLast: boolean;
}

/** A merged unit: its data, and whether θ_0 was passed through. */
interface UnitResult {
  readonly data: Float32Array;
  readonly isPassThrough: boolean;
}

/** The plan as units: tensors above `blockElements` split into row blocks where `isBlockable`. */
function mergeUnits(
  plan: readonly PlannedTensor[],
  isBlockable: (t: PlannedTensor) => boolean,
  blockElements: number,
): MergeUnit[] {
  const units: MergeUnit[] = [];
  for (const t of plan) {
    const rowCount = rowCountOf(t.shape);
    if (t.elementCount <= blockElements || rowCount < 2 || !isBlockable(t)) {
      units.push({ tensor: t, elementCount: t.elementCount, firstElement: 0, block: 0, isLast: true });
      continue;
    }
    const perRow = elementsPerRow(t.shape);
    const blockRows = Math.max(1, Math.floor(blockElements / perRow));
    for (let first = 0, block = 0; first < rowCount; first += blockRows, block++) {
      const count = Math.min(blockRows, rowCount - first);
      units.push({
        tensor: t,
        rows: { first, count },
        elementCount: count * perRow,
        firstElement: first * perRow,
        block,
        isLast: first + count === rowCount,
      });
    }
  }
  return units;
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

/** Bytes of float32 inputs (θ_0 and the task vectors) of `elementCount` elements. */
function inputBytes(elementCount: number, expertCount: number): number {
  return elementCount * 4 * (1 + expertCount);
}

/**
 * Reads θ_0 and every τ_t of one tensor, or of a block of its rows, (absent task vectors are
 * zeros) into buffers from `pool`; checks happen in the job.
 */
async function readTensorInput(
  inputs: MergeInputs,
  u: MergeUnit,
  weights: Float64Array,
  expertParams: readonly Record<string, unknown>[],
  pool: Float32BufferPool,
  statistics?: Promise<Float64Array>,
  streams?: Promise<readonly Uint32Array[]>,
): Promise<TensorMergeInput> {
  const { tensor: t, rows, elementCount: count } = u;
  const taskStatistics = await statistics;
  const streamStates = await streams;
  const base = await inputs.base.readF32(t.name, pool.acquire(count), rows);
  // The experts' reads run side by side on libuv's thread pool (a full-checkpoint expert
  // subtracts θ_0 after its own read, so only the base must come first).
  const deltas = await Promise.all(
    inputs.experts.map(async (expert, e) => {
      const into = pool.acquire(count);
      if (!t.expertIndices.includes(e)) return into.fill(0);
      const delta = await expert.readDelta(t.name, base, into, rows);
      if (delta !== into) pool.release(into.buffer);
      return delta;
    }),
  );
  return {
    name: t.name,
    shape: rows === undefined ? t.shape : [rows.count, ...t.shape.slice(1)],
    ...(rows === undefined ? {} : { firstElement: u.firstElement }),
    ...(taskStatistics === undefined ? {} : { taskStatistics }),
    ...(streamStates === undefined ? {} : { streamStates }),
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
 * Each τ_t's number for a method with `taskStatistic` (a tensor it merges in blocks): every task
 * vector read whole, one at a time (with θ_0 when a source needs it to form τ_t), and handed to
 * the executor, so the numbers are computed where merges run.
 */
async function taskStatistics(
  inputs: MergeInputs,
  t: PlannedTensor,
  executor: MergeExecutor,
  expertParams: readonly Record<string, unknown>[],
  pool: Float32BufferPool,
): Promise<Float64Array> {
  const { recipe, experts } = inputs;
  const has = (e: number): boolean => t.expertIndices.includes(e);
  const needsBase = experts.some((expert, e) => has(e) && expert.format !== 'delta');
  const base = needsBase ? await inputs.base.readF32(t.name, pool.acquire(t.elementCount)) : undefined;
  try {
    const values = new Float64Array(experts.length);
    for (let e = 0; e < experts.length; e++) {
      const into = pool.acquire(t.elementCount);
      const delta = has(e) ? await experts[e].readDelta(t.name, base, into) : into.fill(0);
      if (delta !== into) pool.release(into.buffer);
      const { value, spent } = await executor.taskStatistic({
        method: recipe.method,
        params: recipe.parameters,
        name: t.name,
        taskIndex: e,
        expertParams,
        delta,
      });
      pool.release(...spent);
      values[e] = value;
    }
    return values;
  } finally {
    if (base !== undefined) pool.release(base.buffer);
  }
}

/** What the blocks of one tensor share, started when its first block is read. */
interface BlockedTensor {
  readonly tensor: PlannedTensor;
  /** Each τ_t's number (methods with `taskStatistic`). */
  readonly statistics: Promise<Float64Array> | undefined;
  /** `[block][task]`: the random streams' states at each block (methods with `randomDrawsPerElement`). */
  readonly streamStates: Promise<Uint32Array[][]> | undefined;
}

function startBlockedTensor(
  t: PlannedTensor,
  units: readonly MergeUnit[],
  method: AnyMergeMethod,
  executor: MergeExecutor,
  inputs: MergeInputs,
  expertParams: readonly Record<string, unknown>[],
  pool: Float32BufferPool,
): BlockedTensor {
  const starts = units.filter((u) => u.tensor === t).map((u) => u.firstElement);
  const statistics =
    method.taskStatistic === undefined || method.needsTaskStatistic?.(inputs.recipe.parameters) === false
      ? undefined
      : taskStatistics(inputs, t, executor, expertParams, pool);
  const draws = method.randomDrawsPerElement;
  const streamStates =
    draws === undefined
      ? undefined
      : executor.streamStates({
          seed: t.seed,
          taskCount: inputs.experts.length,
          drawsPerElement: draws,
          starts,
        });
  // observed by the block reads that await them
  statistics?.catch(() => undefined);
  streamStates?.catch(() => undefined);
  return { tensor: t, statistics, streamStates };
}

/**
 * Merges the model tensor by tensor and yields each merged tensor in plan order. At most
 * `concurrency` tensors (each: θ_0, T task vectors and the output) are in memory at once, plus
 * the inputs of the next one (read while the others merge: file reads overlap the arithmetic), plus
 * as many recycled buffers (fresh memory costs a page fault per 4 KiB, more than the merge);
 * every input is read lazily. Where the method allows it, tensors above `blockElements` are merged
 * in blocks of rows: only the blocks' inputs and the whole output are then in memory (TIES first
 * reads each τ_t whole, one at a time, for its threshold). Methods with a collector get a first
 * pass over the whole model. Tensors whose task vectors are all zero (frozen tables, tensors no
 * expert changes) pass the base through.
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
  const bytesTotal = plan.reduce((s, t) => s + inputBytes(t.elementCount, expertCount), 0);
  const pool = new Float32BufferPool((concurrency + 1) * (expertCount + 2));
  const recycle = (buffers: readonly ArrayBuffer[]): void => pool.release(...buffers);
  options.signal?.throwIfAborted();

  const units = mergeUnits(
    plan,
    (t) =>
      (method.createCollector === undefined || method.collectsInBlocks === true) &&
      (method.isElementwise === true ||
        method.taskStatistic !== undefined ||
        (method.isRowwise === true && t.shape.length >= 2) ||
        method.isElementwiseFor?.(t) === true),
    checkedBlockElements(options.blockElements),
  );

  let stats: unknown = undefined;
  if (method.createCollector !== undefined) {
    const started = performance.now();
    let tensorsDone = 0;
    let bytesDone = 0;
    async function* observed(): AsyncGenerator<TensorMergeInput> {
      for (const u of units) {
        options.signal?.throwIfAborted();
        yield await readTensorInput(inputs, u, weights, expertParams, pool);
        if (u.isLast) tensorsDone++;
        bytesDone += inputBytes(u.elementCount, expertCount);
        options.onProgress?.({
          phase: 'collect',
          tensorsDone,
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
  // What the blocks of the tensor being read in blocks share (started with its first block).
  let blocked: BlockedTensor | undefined;
  // Inputs being read ahead, in unit order: the next unit's, while the merges in flight run.
  const reads: Promise<TensorMergeInput>[] = [];
  let nextRead = 0;
  const readAhead = (): void => {
    while (nextRead < units.length && reads.length < 1) {
      const u = units[nextRead++];
      let blockStreams: Promise<readonly Uint32Array[]> | undefined;
      if (u.rows !== undefined) {
        if (blocked?.tensor !== u.tensor)
          blocked = startBlockedTensor(u.tensor, units, method, executor, inputs, expertParams, pool);
        blockStreams = blocked.streamStates?.then((all) => all[u.block]);
        blockStreams?.catch(() => undefined); // observed by the read that awaits it
      }
      const r = readTensorInput(
        inputs,
        u,
        weights,
        expertParams,
        pool,
        u.rows === undefined ? undefined : blocked?.statistics,
        blockStreams,
      );
      r.catch(() => undefined); // observed by the merge that takes it
      reads.push(r);
    }
  };
  const mergeOne = async (u: MergeUnit, pending: Promise<TensorMergeInput>): Promise<UnitResult> => {
    const input = await pending;
    // A block's result is copied into the tensor's output, so its buffer always comes from the pool.
    const lendOut = options.recycleOutputs === true || u.rows !== undefined;
    const { data, isPassThrough, spent } = await executor.mergeTensor({
      method: recipe.method,
      params: recipe.parameters,
      stats,
      input,
      ...(lendOut ? { out: pool.acquire(u.elementCount) } : {}),
    });
    recycle(spent);
    return { data, isPassThrough };
  };
  const inFlight: Promise<UnitResult>[] = [];
  let next = 0;
  let unitsDone = 0;
  let tensorsDone = 0;
  let bytesDone = 0;
  /** The output of the tensor whose blocks are being merged, and whether every block passed θ_0 through. */
  let assembling: { data: Float32Array; isPassThrough: boolean } | undefined;
  try {
    while (unitsDone < units.length) {
      while (next < units.length && inFlight.length < concurrency) {
        options.signal?.throwIfAborted();
        readAhead();
        const p = mergeOne(units[next++], reads.shift() as Promise<TensorMergeInput>);
        p.catch(() => undefined); // observed below, in order; avoid unhandled rejections meanwhile
        inFlight.push(p);
      }
      readAhead();
      const merged = await (inFlight.shift() as Promise<UnitResult>);
      const u = units[unitsDone++];
      const t = u.tensor;
      bytesDone += inputBytes(u.elementCount, expertCount);
      let whole = merged;
      if (u.rows !== undefined) {
        assembling ??= {
          data:
            options.recycleOutputs === true ? pool.acquire(t.elementCount) : new Float32Array(t.elementCount),
          isPassThrough: true,
        };
        assembling.data.set(merged.data, u.firstElement);
        assembling.isPassThrough &&= merged.isPassThrough;
        pool.release(merged.data.buffer);
        whole = assembling;
        if (u.isLast) assembling = undefined;
      }
      if (u.isLast) tensorsDone++;
      timings.mergeMs = performance.now() - started;
      options.onProgress?.({
        phase: 'merge',
        tensorsDone,
        tensorsTotal: plan.length,
        bytesDone,
        bytesTotal,
        elapsedMs: timings.mergeMs,
      });
      if (!u.isLast) continue;
      yield {
        name: t.name,
        shape: t.shape,
        data: whole.data,
        aliases: t.aliases,
        isPassThrough: whole.isPassThrough,
      };
      if (options.recycleOutputs === true) pool.release(whole.data.buffer);
    }
  } finally {
    await Promise.allSettled([...inFlight, ...reads]);
  }
}
