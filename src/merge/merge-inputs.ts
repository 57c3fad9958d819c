import { EMBED_TOKENS_NAME, HfCheckpoint, PROJ_OUT_NAME } from '../checkpoint/index.js';
import { AppError } from '../shared/index.js';
import { openExpertSource, type ExpertSource } from './expert-source.js';
import type { MergeRecipe } from './merge-recipe.js';
import type { TensorKind } from './methods/merge-method.js';
import { assertPathAllowed } from './path-guard.js';
import { compileGlobs } from './svd-exclusion.js';
import { classifyTensor } from './tensor-kind.js';
import { tensorSeed } from './tensor-seed.js';
import { assertSameBase } from './base-identity.js';

/** One tensor of the merge plan, in output order. */
export interface PlannedTensor {
  readonly name: string;
  readonly shape: readonly number[];
  readonly elementCount: number;
  readonly kind: TensorKind;
  readonly isSvdExcluded: boolean;
  /** Per-tensor seed: sha256(recipe seed, name). */
  readonly seed: number;
  /** Indices of the experts that provide a task vector for this tensor (others contribute zeros). */
  readonly expertIndices: readonly number[];
  /** Further names the merged data is written under (the tied `proj_out.weight` when the base stores it). */
  readonly aliases: readonly string[];
}

/** Opened, validated inputs of one merge. Close it when done. */
export interface MergeInputs extends AsyncDisposable {
  readonly recipe: MergeRecipe;
  readonly base: HfCheckpoint;
  readonly experts: readonly ExpertSource[];
  readonly plan: readonly PlannedTensor[];
  close(): Promise<void>;
}

/** Options of {@link openMergeInputs}. */
export interface OpenMergeInputsOptions {
  /** Model roots every input must lie in (symlinks resolved); undefined = anywhere (CLI). */
  readonly allowedRoots?: readonly string[];
}

function sameShape(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((v, i) => v === b[i]);
}

function elementCountOf(shape: readonly number[]): number {
  let n = 1;
  for (const d of shape) n *= d;
  return n;
}

/**
 * Opens the base and every expert of a normalised recipe, and refuses bad inputs before anything
 * is computed or written: paths outside the allowed roots (`PATH_NOT_ALLOWED`), architectures or
 * tensor shapes that differ, tensors the base lacks (`MERGE_SHAPE_MISMATCH`), non-float tensors,
 * NaN/Inf in sampled tensors, an expert whose base is not this base (`MERGE_INPUT_INVALID`).
 * NaN/Inf in the other tensors is refused when they are read during the merge (before any output
 * becomes visible: outputs are written atomically).
 * @throws AppError with the codes above, `MODEL_NOT_FOUND`, `CHECKPOINT_INVALID`.
 */
export async function openMergeInputs(
  recipe: MergeRecipe,
  options: OpenMergeInputsOptions = {},
): Promise<MergeInputs> {
  for (const p of [recipe.base, ...recipe.experts.map((e) => e.path)])
    await assertPathAllowed(p, options.allowedRoots);
  const base = await HfCheckpoint.open(recipe.base);
  const experts: ExpertSource[] = [];
  const closeAll = async (): Promise<void> => {
    await Promise.allSettled([base.close(), ...experts.map((e) => e.close())]);
  };
  try {
    for (const e of recipe.experts) experts.push(await openExpertSource(e.path, base));
    const baseNames = new Set(base.tensorNames);
    experts.forEach((expert) => {
      for (const name of expert.tensorNames) {
        if (!baseNames.has(name)) {
          throw new AppError(
            'MERGE_SHAPE_MISMATCH',
            `Cannot merge expert ${expert.path}: tensor ${name} does not exist in the base`,
          );
        }
        const want = base.info(name).shape;
        const got = expert.shapeOf(name);
        if (!sameShape(want, got)) {
          throw new AppError(
            'MERGE_SHAPE_MISMATCH',
            `Cannot merge expert ${expert.path}: tensor ${name} has shape [${got.join(', ')}], the base has [${want.join(', ')}]`,
          );
        }
      }
    });
    for (const expert of experts) await assertSameBase(base, expert);
    const plan = planTensors(recipe, base, experts);
    let closed = false;
    const close = async (): Promise<void> => {
      if (closed) return;
      closed = true;
      await closeAll();
    };
    return { recipe, base, experts, plan, close, [Symbol.asyncDispose]: close };
  } catch (e) {
    await closeAll();
    throw e;
  }
}

function planTensors(
  recipe: MergeRecipe,
  base: HfCheckpoint,
  experts: readonly ExpertSource[],
): PlannedTensor[] {
  const isExcluded = compileGlobs(recipe.svd_exclude);
  const provided = experts.map((e) => new Set(e.tensorNames));
  const storesProjOut = !base.isProjOutTied;
  const plan: PlannedTensor[] = [];
  for (const name of base.tensorNames) {
    // The tied output projection is merged once, as the embedding (merging.md §0.2, consequence 2).
    if (name === PROJ_OUT_NAME && base.has(EMBED_TOKENS_NAME)) continue;
    const shape = base.info(name).shape;
    plan.push({
      name,
      shape,
      elementCount: elementCountOf(shape),
      kind: classifyTensor(name, shape),
      isSvdExcluded: isExcluded(name),
      seed: tensorSeed(recipe.seed, name),
      expertIndices: provided.flatMap((set, i) => (set.has(name) ? [i] : [])),
      aliases: name === EMBED_TOKENS_NAME && storesProjOut ? [PROJ_OUT_NAME] : [],
    });
  }
  return plan;
}
