import { openMergeInputs, type OpenMergeInputsOptions } from './merge-inputs.js';
import { digestMergeInputs, mergeModelId } from './merge-model-id.js';
import type { MergeRecipe } from './merge-recipe.js';

/**
 * The content id a merge of `recipe` will have, without merging: opens and validates the inputs,
 * digests them and closes them (for a cache lookup before building; digests read every input once).
 * @throws AppError as `openMergeInputs`.
 */
export async function computeMergeId(
  recipe: MergeRecipe,
  options: OpenMergeInputsOptions = {},
): Promise<string> {
  await using inputs = await openMergeInputs(recipe, options);
  return mergeModelId(recipe, await digestMergeInputs(inputs));
}
