import { findMergeMethod } from './methods/registry.js';
import type { TensorMergeInput } from './methods/merge-method.js';

/** One tensor to merge: the method by recipe name, its parsed parameters and first-pass statistics. */
export interface TensorMergeJob {
  readonly method: string;
  readonly params: unknown;
  readonly stats: unknown;
  readonly input: TensorMergeInput;
}

/**
 * Where per-tensor merges run: inline on the calling thread (`inlineMergeExecutor`, CLI and tests)
 * or in worker threads (`MergeWorkerPool`, the server). Either may take ownership of the input
 * buffers (a pool transfers them), so callers must not reuse them after submitting.
 */
export interface MergeExecutor {
  /** Merges one tensor; resolves to θ_merged (a new buffer the caller owns). */
  mergeTensor(job: TensorMergeJob): Promise<Float32Array>;
  /** Runs a method's first pass over every tensor and returns its statistics (methods with `createCollector`). */
  collectStats(method: string, params: unknown, inputs: AsyncIterable<TensorMergeInput>): Promise<unknown>;
}

/** Runs a job on the current thread (the function a worker runs, too). */
export async function runTensorMergeJob(job: TensorMergeJob): Promise<Float32Array> {
  const method = findMergeMethod(job.method);
  const out = new Float32Array(job.input.base.length);
  await method.mergeTensorInto(out, job.input, job.params, job.stats);
  return out;
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
