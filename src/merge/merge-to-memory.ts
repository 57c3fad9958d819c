import { performance } from 'node:perf_hooks';
import { streamMergedTensors, type MergeRunOptions, type MergeTimings } from './merge-engine.js';
import { openMergeInputs, type OpenMergeInputsOptions } from './merge-inputs.js';
import { digestMergeInputs, mergeModelId } from './merge-model-id.js';
import type { MergeRecipe } from './merge-recipe.js';
import { MergedWeights } from './merged-weights.js';

/** Options of {@link mergeToMemory}. */
export interface MergeToMemoryOptions extends MergeRunOptions, OpenMergeInputsOptions {}

/** Result of {@link mergeToMemory}. */
export interface InMemoryMerge {
  /** Content id: sha256 of the normalised recipe and the inputs' digests. */
  readonly id: string;
  readonly weights: MergedWeights;
  readonly timingsMs: Readonly<Record<string, number>>;
}

/**
 * Merges into memory (for the server: the weights go straight into an ONNX graph). Every tensor
 * of the base is present, the tied `proj_out.weight` only when the base stores it. Use a
 * `MergeWorkerPool` as `executor` to keep the event loop free.
 * @throws AppError as `openMergeInputs` and `streamMergedTensors`; the signal's reason when aborted.
 */
export async function mergeToMemory(
  recipe: MergeRecipe,
  options: MergeToMemoryOptions = {},
): Promise<InMemoryMerge> {
  const t0 = performance.now();
  await using inputs = await openMergeInputs(recipe, options);
  const tOpen = performance.now();
  const digests = await digestMergeInputs(inputs);
  const id = mergeModelId(recipe, digests);
  const tDigest = performance.now();
  const timings: MergeTimings = { collectMs: 0, mergeMs: 0 };
  const tensors = new Map<string, Float32Array>();
  const shapes = new Map<string, readonly number[]>();
  for await (const merged of streamMergedTensors(inputs, options, timings)) {
    for (const name of [merged.name, ...merged.aliases]) {
      tensors.set(name, merged.data);
      shapes.set(name, merged.shape);
    }
  }
  const timingsMs = {
    open: tOpen - t0,
    digest: tDigest - tOpen,
    collect: timings.collectMs,
    merge: timings.mergeMs,
    total: performance.now() - t0,
  };
  return { id, weights: new MergedWeights(tensors, shapes), timingsMs };
}
