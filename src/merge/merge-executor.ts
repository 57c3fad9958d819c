import { AppError, firstNonFiniteIndex } from '../shared/index.js';
import { findMergeMethod } from './methods/registry.js';
import type { TensorMergeInput } from './methods/merge-method.js';

/** One tensor to merge: the method by recipe name, its parsed parameters and first-pass statistics. */
export interface TensorMergeJob {
  readonly method: string;
  readonly params: unknown;
  readonly stats: unknown;
  readonly input: TensorMergeInput;
}

/** A merged tensor; `isPassThrough` when every task vector was zero and θ_0 came back unchanged. */
export interface TensorMergeResult {
  readonly data: Float32Array;
  readonly isPassThrough: boolean;
}

/**
 * Where per-tensor merges run: inline on the calling thread (`inlineMergeExecutor`, CLI and tests)
 * or in worker threads (`MergeWorkerPool`, the server). Either may take ownership of the input
 * buffers (a pool transfers them), so callers must not reuse them after submitting.
 */
export interface MergeExecutor {
  /** Checks and merges one tensor (see {@link runTensorMergeJob}); the result's buffer is the caller's. */
  mergeTensor(job: TensorMergeJob): Promise<TensorMergeResult>;
  /** Runs a method's first pass over every tensor and returns its statistics (methods with `createCollector`). */
  collectStats(method: string, params: unknown, inputs: AsyncIterable<TensorMergeInput>): Promise<unknown>;
}

function isAllZero(a: Float32Array): boolean {
  for (let i = 0; i < a.length; i++) if (a[i] !== 0) return false;
  return true;
}

/**
 * Runs a job on the current thread (the function a worker runs, too), so that every per-element
 * pass happens where the merge does: refuses NaN/Inf in θ_0 or any τ_t, passes θ_0 through when
 * every τ_t is zero (frozen tables, tensors no expert changes), merges, and checks the output.
 * @throws AppError `MERGE_INPUT_INVALID` (non-finite input), `INTERNAL` (non-finite output), method errors.
 */
export async function runTensorMergeJob(job: TensorMergeJob): Promise<TensorMergeResult> {
  const { input } = job;
  const inputs = [input.base, ...input.deltas];
  for (let k = 0; k < inputs.length; k++) {
    const i = firstNonFiniteIndex(inputs[k]);
    if (i >= 0) {
      const what = k === 0 ? 'the base' : `expert #${k - 1}`;
      throw new AppError(
        'MERGE_INPUT_INVALID',
        `Cannot merge tensor ${input.name}: element ${i} of ${what} is ${inputs[k][i]}`,
      );
    }
  }
  if (input.deltas.every(isAllZero)) return { data: input.base, isPassThrough: true };
  const method = findMergeMethod(job.method);
  const out = new Float32Array(input.base.length);
  await method.mergeTensorInto(out, input, job.params, job.stats);
  const bad = firstNonFiniteIndex(out);
  if (bad >= 0) {
    throw new AppError(
      'INTERNAL',
      `Cannot merge tensor ${input.name}: method ${job.method} produced ${out[bad]} at ${bad}`,
    );
  }
  return { data: out, isPassThrough: false };
}

/** The executor that runs everything on the calling thread. */
export const inlineMergeExecutor: MergeExecutor = {
  mergeTensor: runTensorMergeJob,
  async collectStats(methodName, params, inputs) {
    const method = findMergeMethod(methodName);
    if (method.createCollector === undefined) return undefined;
    const collector = method.createCollector(params);
    for await (const input of inputs) collector.observe(input);
    return collector.finish();
  },
};
