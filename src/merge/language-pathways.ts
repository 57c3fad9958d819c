import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import {
  elementsPerRow,
  HfCheckpoint,
  rowCountOf,
  SafetensorsFile,
  writeSafetensors,
  type RowRange,
  type TensorSpec,
} from '../checkpoint/index.js';
import { AppError, firstNonFiniteIndex } from '../shared/index.js';
import { countSetBits, isBitSet, packBitsInto, packedByteLength } from './bit-pack.js';
import { openExpertSource, type ExpertSource } from './expert-source.js';
import { checkedBlockElements } from './merge-engine.js';
import { MERGE_RECIPE_FILE_NAME } from './merge-to-checkpoint.js';
import { parseMergeRecipe } from './merge-recipe.js';
import { assertPathAllowed } from './path-guard.js';
import { tallMaskInto } from './kernels/tall-mask.js';

/** Folder (inside the merged checkpoint) holding the pathway masks. */
export const PATHWAYS_DIR_NAME = 'pathways';
/** Index file of the pathways folder: `{ format, mask_lambda, languages: { <name>: { file, density } } }`. */
export const PATHWAYS_INDEX_NAME = 'index.json';
/** Format tag written in each mask file's metadata. */
export const PATHWAY_MASK_FORMAT = 'chorus-pathway-mask-v1';
/**
 * Default λ of the pathway masks: fusion_bench's `tall_mask_lambda` 0.6 (tall_masks picks λ_t from
 * {0.2…0.6} on each task's validation set; merging.md §2.8).
 */
export const DEFAULT_PATHWAY_LAMBDA = 0.6;

/** Options of {@link writeLanguagePathways}. */
export interface LanguagePathwaysOptions {
  /** λ_t of every language's mask (default {@link DEFAULT_PATHWAY_LAMBDA}). */
  readonly maskLambda?: number;
  readonly allowedRoots?: readonly string[];
  readonly signal?: AbortSignal;
  /**
   * Tensors are read in blocks of whole rows of about this many elements (rounded to whole mask
   * bytes), so only a block of θ_0, θ_M and τ_t is in memory at once. Default
   * `DEFAULT_BLOCK_ELEMENTS` (merge-engine.ts); the masks do not depend on it.
   */
  readonly blockElements?: number;
}

/**
 * Row blocks of a tensor of `shape` of about `blockElements` elements each, every block but the
 * last a whole number of mask bytes (a multiple of 8 elements).
 */
function pathwayBlocks(shape: readonly number[], blockElements: number): RowRange[] {
  const rowCount = rowCountOf(shape);
  const perRow = elementsPerRow(shape);
  if (rowCount * perRow <= blockElements) return [{ first: 0, count: rowCount }];
  // rows per block must make perRow·rows a multiple of 8
  const step = 8 / gcd(perRow, 8);
  const wanted = Math.floor(blockElements / perRow);
  const blockRows = Math.max(step, wanted - (wanted % step));
  const blocks: RowRange[] = [];
  for (let first = 0; first < rowCount; first += blockRows)
    blocks.push({ first, count: Math.min(blockRows, rowCount - first) });
  return blocks;
}

function gcd(a: number, b: number): number {
  return b === 0 ? a : gcd(b, a % b);
}

/** Summary of written pathways: per language, the fraction of merged-τ entries kept. */
export interface LanguagePathwaysSummary {
  readonly dir: string;
  readonly maskLambda: number;
  readonly languages: Readonly<Record<string, { readonly file: string; readonly density: number }>>;
}

/**
 * Language pathways (after "Learning ASR pathways", arXiv:2209.05735, applied to a merge as TALL
 * masks, arXiv:2405.07813; merging.md §4.3 [rec]): for a merged checkpoint and the experts of its
 * recipe, writes one mask per expert (language) over the merged task vector τ_M = θ_M − θ_0:
 *
 *   m_t = |τ_t| > λ·|τ_M − τ_t|      (strict, as tall_masks; an unchanged tensor gets an empty mask)
 *
 * File format: `pathways/<name>.mask.safetensors`, one `U8` tensor per model tensor that the merge
 * changed, named like the model tensor, shape `[⌈n/8⌉]`, bits packed MSB-first over the row-major
 * flattened tensor (numpy `packbits` layout); metadata `{format, language, mask_lambda, bit_order:
 * "big"}`. Tensors without an entry use θ_0. `pathways/index.json` lists the files and densities.
 * Written atomically (temporary folder, then rename).
 * @throws AppError `MODEL_NOT_FOUND`/`CHECKPOINT_INVALID` for a bad merged folder, `MERGE_RECIPE_INVALID`
 * when it has no merge-recipe.json, `PATH_NOT_ALLOWED`, `MERGE_INPUT_INVALID` for NaN/Inf.
 */
export async function writeLanguagePathways(
  mergedDir: string,
  options: LanguagePathwaysOptions = {},
): Promise<LanguagePathwaysSummary> {
  const maskLambda = options.maskLambda ?? DEFAULT_PATHWAY_LAMBDA;
  let recipeJson: unknown;
  try {
    recipeJson = JSON.parse(await readFile(join(mergedDir, MERGE_RECIPE_FILE_NAME), 'utf8'));
  } catch (e) {
    throw new AppError(
      'MERGE_RECIPE_INVALID',
      `Cannot compute pathways of ${mergedDir}: no readable ${MERGE_RECIPE_FILE_NAME}`,
      {
        cause: e,
      },
    );
  }
  const recipe = parseMergeRecipe(recipeJson);
  for (const p of [mergedDir, recipe.base, ...recipe.experts.map((e) => e.path)])
    await assertPathAllowed(p, options.allowedRoots);
  await using merged = await HfCheckpoint.open(mergedDir);
  await using base = await HfCheckpoint.open(recipe.base);
  const experts: ExpertSource[] = [];
  const tmp = join(mergedDir, `.${PATHWAYS_DIR_NAME}.tmp-${process.pid}`);
  try {
    for (const e of recipe.experts) experts.push(await openExpertSource(e.path, base));
    await rm(tmp, { recursive: true, force: true });
    await mkdir(tmp);
    const blockElements = checkedBlockElements(options.blockElements);
    const blocksOf = (name: string): RowRange[] => pathwayBlocks(base.info(name).shape, blockElements);
    // Tensors the merge changed (τ_M ≠ 0): one pass to find them, reading θ_M and θ_0 block by block.
    const changed: { name: string; length: number }[] = [];
    for (const name of merged.tensorNames) {
      if (name === 'proj_out.weight') continue;
      options.signal?.throwIfAborted();
      let isChanged = false;
      for (const rows of blocksOf(name)) {
        const [m, b] = [
          await merged.readF32(name, undefined, rows),
          await base.readF32(name, undefined, rows),
        ];
        for (let i = 0; i < m.length && !isChanged; i++) isChanged = m[i] !== b[i];
        if (isChanged) break;
      }
      if (isChanged) changed.push({ name, length: base.info(name).elementCount });
    }
    const languages: Record<string, { file: string; density: number }> = {};
    for (let t = 0; t < experts.length; t++) {
      const language = recipe.experts[t].name;
      const file = `${language}.mask.safetensors`;
      const specs: TensorSpec[] = changed.map((c) => ({
        name: c.name,
        dtype: 'U8',
        shape: [packedByteLength(c.length)],
      }));
      let kept = 0;
      let total = 0;
      const provides = new Set(experts[t].tensorNames);
      await writeSafetensors(
        join(tmp, file),
        specs,
        async (spec) => {
          const packed = new Uint8Array(spec.shape[0]);
          const perRow = elementsPerRow(base.info(spec.name).shape);
          for (const rows of blocksOf(spec.name)) {
            options.signal?.throwIfAborted();
            const theta0 = await base.readF32(spec.name, undefined, rows);
            const mergedTau = await merged.readF32(spec.name, undefined, rows);
            for (let i = 0; i < mergedTau.length; i++) mergedTau[i] -= theta0[i];
            const tau = provides.has(spec.name)
              ? await experts[t].readDelta(spec.name, theta0, undefined, rows)
              : new Float32Array(theta0.length);
            const first = rows.first * perRow; // a multiple of 8: whole mask bytes
            const bad = firstNonFiniteIndex(tau);
            if (bad >= 0)
              throw new AppError(
                'MERGE_INPUT_INVALID',
                `Cannot compute pathway ${language}: ${spec.name}[${first + bad}] is ${tau[bad]}`,
              );
            const mask = tallMaskInto(new Uint8Array(tau.length), tau, mergedTau, maskLambda);
            const bytes = packed.subarray(first >>> 3, (first >>> 3) + packedByteLength(tau.length));
            packBitsInto(bytes, mask);
            kept += countSetBits(bytes, tau.length);
            total += tau.length;
          }
          return packed;
        },
        { format: PATHWAY_MASK_FORMAT, language, mask_lambda: String(maskLambda), bit_order: 'big' },
      );
      languages[language] = { file, density: total === 0 ? 0 : kept / total };
    }
    const index = { format: PATHWAY_MASK_FORMAT, mask_lambda: maskLambda, languages };
    await writeFile(join(tmp, PATHWAYS_INDEX_NAME), `${JSON.stringify(index, null, 2)}\n`);
    const dir = join(mergedDir, PATHWAYS_DIR_NAME);
    await rm(dir, { recursive: true, force: true });
    await rename(tmp, dir);
    return { dir, maskLambda, languages };
  } catch (e) {
    await rm(tmp, { recursive: true, force: true });
    throw e;
  } finally {
    await Promise.allSettled(experts.map((e) => e.close()));
  }
}

/** A language's pathway mask, opened lazily from its file. */
export class PathwayMask implements AsyncDisposable {
  private constructor(
    private readonly file: SafetensorsFile,
    /** The language (expert) name from the file's metadata. */
    readonly language: string,
  ) {}

  /**
   * Opens `pathways/<language>.mask.safetensors` of a merged checkpoint.
   * @throws AppError `MODEL_NOT_FOUND` when absent, `CHECKPOINT_INVALID` when not a pathway mask.
   */
  static async open(mergedDir: string, language: string): Promise<PathwayMask> {
    if (!/^[A-Za-z0-9_.-]+$/.test(language) || language.startsWith('.')) {
      throw new AppError('MODEL_NOT_FOUND', `Cannot open pathway "${language}": not a valid language name`);
    }
    const file = await SafetensorsFile.open(
      join(mergedDir, PATHWAYS_DIR_NAME, `${language}.mask.safetensors`),
    );
    if (file.metadata.format !== PATHWAY_MASK_FORMAT) {
      await file.close();
      throw new AppError(
        'CHECKPOINT_INVALID',
        `Cannot use pathway ${language}: not a ${PATHWAY_MASK_FORMAT} file`,
      );
    }
    return new PathwayMask(file, file.metadata.language ?? language);
  }

  /** The packed mask of one tensor, or undefined when the pathway leaves it at θ_0. */
  async packed(name: string): Promise<Uint8Array | undefined> {
    const key =
      name === 'proj_out.weight' && !this.file.has(name) ? 'model.decoder.embed_tokens.weight' : name;
    return this.file.has(key) ? this.file.readRaw(key) : undefined;
  }

  close(): Promise<void> {
    return this.file.close();
  }

  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }
}

/** Writes θ_0 + m ⊙ τ_M (τ_M = merged − base) into `out`; an absent mask gives θ_0. */
export function applyPathwayMaskInto(
  out: Float32Array,
  base: Float32Array,
  merged: Float32Array,
  packed: Uint8Array | undefined,
): Float32Array {
  if (packed === undefined) {
    out.set(base);
    return out;
  }
  for (let i = 0; i < out.length; i++) out[i] = isBitSet(packed, i) ? merged[i] : base[i];
  return out;
}

/** Something that reads float32 tensors by name (an HfCheckpoint, or MergedWeights through a wrapper). */
export interface Float32TensorReader {
  readF32(name: string): Promise<Float32Array>;
}

/**
 * A `WeightSource`-style function serving one language's pathway: θ_0 + m_lang ⊙ (θ_M − θ_0), read
 * lazily from the base, the merged model and the mask.
 */
export function pathwayWeightSource(
  base: Float32TensorReader,
  merged: Float32TensorReader,
  mask: PathwayMask,
): (name: string) => Promise<Float32Array> {
  return async (name) => {
    const [b, m, packed] = await Promise.all([base.readF32(name), merged.readF32(name), mask.packed(name)]);
    return applyPathwayMaskInto(new Float32Array(b.length), b, m, packed);
  };
}
