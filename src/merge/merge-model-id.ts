import { createHash } from 'node:crypto';
import { canonicalJson } from '../checkpoint/index.js';
import type { MergeRecipe } from './merge-recipe.js';

/** Content digests of a merge's inputs (from the checkpoint layer), in recipe order. */
export interface MergeInputDigests {
  readonly base: string;
  readonly experts: readonly string[];
}

// Bump when the engine's numerics change so that old ids are not reused for different bits.
// v2 (session 12): the subspace methods' polar factors and eigensolver round differently (outputs
// within ~4e-7 relative of v1's on the shipped models); the other methods' bits are unchanged.
const MERGE_ID_VERSION = 'chorus-merge-v2';

/**
 * The content-addressed id of a merged model: sha256 (hex) of the normalised recipe with every
 * path replaced by its input's digest (so moving a folder keeps the id, changing a weight changes
 * it). Expert names are labels and are excluded. Same request → same id → same bits.
 */
export function mergeModelId(recipe: MergeRecipe, digests: MergeInputDigests): string {
  const document = {
    version: MERGE_ID_VERSION,
    base: digests.base,
    method: recipe.method,
    parameters: recipe.parameters,
    experts: recipe.experts.map((e, i) => ({
      digest: digests.experts[i],
      weight: e.weight,
      parameters: e.parameters,
    })),
    output: recipe.output,
    seed: recipe.seed,
    svd_exclude: recipe.svd_exclude,
  };
  return createHash('sha256').update(canonicalJson(document)).digest('hex');
}

/** Digests of the opened inputs (the base digest reads every base tensor once; cached per checkpoint). */
export async function digestMergeInputs(inputs: {
  readonly base: { digest(): Promise<string> };
  readonly experts: readonly { digest(): Promise<string> }[];
}): Promise<MergeInputDigests> {
  const base = await inputs.base.digest();
  const experts: string[] = [];
  for (const e of inputs.experts) experts.push(await e.digest());
  return { base, experts };
}
