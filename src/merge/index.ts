// Public surface of the merge layer (imports only `shared` and `checkpoint`). Other layers import from here only.
export type {
  GlobalStatsCollector,
  MergeMethod,
  TensorKind,
  TensorMergeInput,
} from './methods/merge-method.js';
export { MERGE_METHODS, findMergeMethod, mergeMethodNames, type AnyMergeMethod } from './methods/registry.js';
export {
  MergeRecipeSchema,
  OUTPUT_DTYPES,
  loadMergeRecipe,
  parseMergeRecipe,
  resolveExpertParams,
  type MergeRecipe,
  type MergeRecipeExpert,
  type OutputDType,
  type ParseMergeRecipeOptions,
} from './merge-recipe.js';
export { mergeModelId, digestMergeInputs, type MergeInputDigests } from './merge-model-id.js';
export { computeMergeId } from './compute-merge-id.js';
export { tensorSeed } from './tensor-seed.js';
export { classifyTensor } from './tensor-kind.js';
export { DEFAULT_SVD_EXCLUDE, compileGlobs } from './svd-exclusion.js';
export { assertPathAllowed } from './path-guard.js';
export { openExpertSource, type ExpertFormat, type ExpertSource } from './expert-source.js';
export {
  openMergeInputs,
  type MergeInputs,
  type OpenMergeInputsOptions,
  type PlannedTensor,
} from './merge-inputs.js';
export {
  DEFAULT_BLOCK_ELEMENTS,
  streamMergedTensors,
  type MergedTensor,
  type MergeProgress,
  type MergeRunOptions,
  type MergeTimings,
} from './merge-engine.js';
export {
  inlineMergeExecutor,
  runStreamStatesJob,
  runTaskStatisticJob,
  runTensorMergeJob,
  type StreamStatesJob,
  type TaskStatisticJob,
  type TaskStatisticResult,
  type MergeExecutor,
  type TensorMergeJob,
  type TensorMergeResult,
} from './merge-executor.js';
export { MergeWorkerPool, type MergeWorkerPoolOptions } from './merge-worker-pool.js';
export { mergeToMemory, type InMemoryMerge, type MergeToMemoryOptions } from './merge-to-memory.js';
export {
  mergeToCheckpoint,
  MERGE_RECIPE_FILE_NAME,
  PROVENANCE_FILE_NAME,
  type CheckpointMerge,
  type MergeToCheckpointOptions,
} from './merge-to-checkpoint.js';
export type { MergeProvenance } from './merge-provenance.js';
export { MergedWeights } from './merged-weights.js';
export {
  applyPathwayMaskInto,
  DEFAULT_PATHWAY_LAMBDA,
  PATHWAY_MASK_FORMAT,
  PATHWAYS_DIR_NAME,
  PATHWAYS_INDEX_NAME,
  PathwayMask,
  pathwayWeightSource,
  writeLanguagePathways,
  type Float32TensorReader,
  type LanguagePathwaysOptions,
  type LanguagePathwaysSummary,
} from './language-pathways.js';
export { packBitsInto, packedByteLength, isBitSet, countSetBits } from './bit-pack.js';
