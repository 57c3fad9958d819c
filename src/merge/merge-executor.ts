import { AppError, firstNonFiniteIndex } from '../shared/index.js';
import { taskStreamStatesAt } from './kernels/seeded-random.js';
import { findMergeMethod } from './methods/registry.js';
import type { TensorMergeInput } from './methods/merge-method.js';

/** One tensor to merge: the method by recipe name, its parsed parameters and first-pass statistics. */
export interface TensorMergeJob {
  readonly method: string;
  readonly params: unknown;
  readonly stats: unknown;
  readonly input: TensorMergeInput;
  /** Where to write the merged tensor (the input's length, contents ignored), lent by the caller; default a new array. */
  readonly out?: Float32Array;
}

/** A merged tensor; `isPassThrough` when every task vector was zero and θ_0 came back unchanged. */
export interface TensorMergeResult {
  readonly data: Float32Array;
  readonly isPassThrough: boolean;
  /**
   * Buffers of the job (inputs, an unused `out`) that the executor is done with and hands back
   * for reuse; never `data`'s buffer.
   */
  readonly spent: readonly ArrayBuffer[];
}

/** τ_t of one whole tensor, for a method's {@link MergeMethod.taskStatistic}. */
export interface TaskStatisticJob {
  readonly method: string;
  readonly params: unknown;
  /** The tensor's name (for errors). */
  readonly name: string;
  readonly taskIndex: number;
  readonly expertParams: TensorMergeInput['expertParams'];
  /** τ_t, whole; the executor takes ownership and hands its buffer back as `spent`. */
  readonly delta: Float32Array;
}

/** The number, and the job's buffers for reuse. */
export interface TaskStatisticResult {
  readonly value: number;
  readonly spent: readonly ArrayBuffer[];
}

/** Where the random streams of a tensor's tasks stand at each block start (see `taskStreamStatesAt`). */
export interface StreamStatesJob {
  readonly seed: number;
  readonly taskCount: number;
  readonly drawsPerElement: number;
  /** First element of each block, ascending. */
  readonly starts: readonly number[];
}

/** Called with buffers an executor is done with (for reuse by the caller). */
export type RecycleBuffers = (buffers: readonly ArrayBuffer[]) => void;

/**
 * Where per-tensor merges run: inline on the calling thread (`inlineMergeExecutor`, CLI and tests)
 * or in worker threads (`MergeWorkerPool`, the server). Either takes ownership of the buffers
 * under the job's arrays (a pool transfers them, whole when an array starts at offset 0), so
 * callers must not use them after submitting, except those handed back as `spent`.
 */
export interface MergeExecutor {
  /** Checks and merges one tensor (see {@link runTensorMergeJob}); the result's buffer is the caller's. */
  mergeTensor(job: TensorMergeJob): Promise<TensorMergeResult>;
  /** Computes one task vector's number for a method with `taskStatistic` (see {@link runTaskStatisticJob}). */
  taskStatistic(job: TaskStatisticJob): Promise<TaskStatisticResult>;
  /** `result[b][t]`: task t's random-stream state at block b's first element (advancing the streams costs a draw per element). */
  streamStates(job: StreamStatesJob): Promise<Uint32Array[][]>;
  /**
   * Runs a method's first pass over every tensor and returns its statistics (methods with
   * `createCollector`). Each input's buffers go to `recycle` once observed (collectors copy what they keep).
   */
  collectStats(
    method: string,
    params: unknown,
    inputs: AsyncIterable<TensorMergeInput>,
    recycle?: RecycleBuffers,
  ): Promise<unknown>;
}

function isAllZero(a: Float32Array): boolean {
  for (let i = 0; i < a.length; i++) if (a[i] !== 0) return false;
  return true;
}

/** The distinct ArrayBuffers under `arrays`, less `keep`'s. */
export function buffersOf(arrays: readonly Float32Array[], keep?: Float32Array): ArrayBuffer[] {
  const out = new Set<ArrayBuffer>();
  for (const a of arrays) if (a.buffer instanceof ArrayBuffer) out.add(a.buffer);
  if (keep !== undefined) out.delete(keep.buffer as ArrayBuffer);
  return [...out];
}

/**
 * Runs a job on the current thread (the function a worker runs, too), so that every per-element
 * pass happens where the merge does: refuses NaN/Inf in θ_0 or any τ_t, passes θ_0 through when
 * every τ_t is zero (frozen tables, tensors no expert changes), merges, and checks the output.
 * @throws AppError `MERGE_INPUT_INVALID` (non-finite input), `INTERNAL` (non-finite output), method errors.
 */
export async function runTensorMergeJob(job: TensorMergeJob): Promise<TensorMergeResult> {
  const { input } = job;
  const method = findMergeMethod(job.method);
  const lent = job.out === undefined ? [] : [job.out];
  const isPassThrough = input.deltas.every(isAllZero);
  // Methods that carry any non-finite input into the output are checked on the output alone.
  if (isPassThrough || method.propagatesNonFinite !== true) assertFiniteInputs(input);
  if (isPassThrough) {
    return {
      data: input.base,
      isPassThrough: true,
      spent: buffersOf([...input.deltas, ...lent], input.base),
    };
  }
  const out = job.out?.length === input.base.length ? job.out : new Float32Array(input.base.length);
  const report = await method.mergeTensorInto(out, input, job.params, job.stats);
  const bad = report ? report.firstNonFiniteOutput : firstNonFiniteIndex(out);
  if (bad >= 0) {
    if (method.propagatesNonFinite === true) assertFiniteInputs(input);
    throw new AppError(
      'INTERNAL',
      `Cannot merge tensor ${input.name}: method ${job.method} produced ${out[bad]} at ${(input.firstElement ?? 0) + bad}`,
    );
  }
  return { data: out, isPassThrough: false, spent: buffersOf([input.base, ...input.deltas, ...lent], out) };
}

/**
 * Runs a statistic job on the current thread (the function a worker runs, too): refuses a NaN/±Inf
 * in τ_t, then computes the method's number.
 * @throws AppError `MERGE_INPUT_INVALID` (non-finite τ_t), `INTERNAL` (the method has no such number).
 */
export async function runTaskStatisticJob(job: TaskStatisticJob): Promise<TaskStatisticResult> {
  const method = findMergeMethod(job.method);
  if (method.taskStatistic === undefined) {
    throw new AppError('INTERNAL', `Cannot compute a task statistic with ${job.method}: it has none`);
  }
  const i = firstNonFiniteIndex(job.delta);
  if (i >= 0) {
    throw new AppError(
      'MERGE_INPUT_INVALID',
      `Cannot merge tensor ${job.name}: element ${i} of expert #${job.taskIndex} is ${job.delta[i]}`,
    );
  }
  const value = method.taskStatistic(job.delta, job.taskIndex, job.expertParams, job.params);
  return { value, spent: buffersOf([job.delta]) };
}

/** Runs a stream-states job on the current thread (the function a worker runs, too). */
export async function runStreamStatesJob(job: StreamStatesJob): Promise<Uint32Array[][]> {
  return taskStreamStatesAt(job.seed, job.taskCount, job.drawsPerElement, job.starts);
}

/** @throws AppError `MERGE_INPUT_INVALID` naming the first NaN/±Inf in θ_0 or a τ_t. */
function assertFiniteInputs(input: TensorMergeJob['input']): void {
  const inputs = [input.base, ...input.deltas];
  for (let k = 0; k < inputs.length; k++) {
    const i = firstNonFiniteIndex(inputs[k]);
    if (i >= 0) {
      const what = k === 0 ? 'the base' : `expert #${k - 1}`;
      throw new AppError(
        'MERGE_INPUT_INVALID',
        `Cannot merge tensor ${input.name}: element ${(input.firstElement ?? 0) + i} of ${what} is ${inputs[k][i]}`,
      );
    }
  }
}

/** The executor that runs everything on the calling thread. */
export const inlineMergeExecutor: MergeExecutor = {
  mergeTensor: runTensorMergeJob,
  taskStatistic: runTaskStatisticJob,
  streamStates: runStreamStatesJob,
  async collectStats(methodName, params, inputs, recycle) {
    const method = findMergeMethod(methodName);
    if (method.createCollector === undefined) return undefined;
    const collector = method.createCollector(params);
    for await (const input of inputs) {
      collector.observe(input);
      recycle?.(buffersOf([input.base, ...input.deltas]));
    }
    return collector.finish();
  },
};
