import { randomBytes } from 'node:crypto';
import { copyFile, mkdir, readdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { writeSafetensors, type TensorSpec } from '../checkpoint/index.js';
import { AppError } from '../shared/index.js';
import { streamMergedTensors, type MergedTensor, type MergeTimings } from './merge-engine.js';
import { openMergeInputs } from './merge-inputs.js';
import { digestMergeInputs, mergeModelId } from './merge-model-id.js';
import { buildProvenance, type MergeProvenance } from './merge-provenance.js';
import type { MergeRecipe, OutputDType } from './merge-recipe.js';
import type { MergeToMemoryOptions } from './merge-to-memory.js';

/** Options of {@link mergeToCheckpoint}. */
export interface MergeToCheckpointOptions extends MergeToMemoryOptions {
  /** Recorded in provenance.json (the CLI passes package.json's version). */
  readonly chorusVersion?: string;
  /** Replace an existing output folder (default false: refuse unless it already holds this very merge). */
  readonly overwrite?: boolean;
}

/** Result of {@link mergeToCheckpoint}. */
export interface CheckpointMerge {
  readonly id: string;
  readonly outDir: string;
  /** True when `outDir` already held this merge (same id) and nothing was recomputed. */
  readonly isCached: boolean;
  readonly provenance: MergeProvenance | undefined;
}

const DTYPE_TAG: Record<OutputDType, 'F32' | 'F16' | 'BF16'> = {
  float32: 'F32',
  float16: 'F16',
  bfloat16: 'BF16',
};
/** Names of the files written beside the weights. */
export const MERGE_RECIPE_FILE_NAME = 'merge-recipe.json';
export const PROVENANCE_FILE_NAME = 'provenance.json';
/**
 * Base files NOT copied into the merged folder: weights (rewritten), config.json (rewritten with the
 * output dtype) and our own records. Everything else at the top level is copied (generation and
 * preprocessor configs, tokenizer files incl. tiktoken ranks, licences).
 */
const NOT_COPIED =
  /^(config\.json|merge-recipe\.json|provenance\.json|.*\.safetensors|model\.safetensors\.index\.json|\..*)$/;

async function exists(path: string): Promise<boolean> {
  try {
    await stat(path);
    return true;
  } catch {
    return false;
  }
}

async function existingMergeId(dir: string): Promise<string | undefined> {
  try {
    const p = JSON.parse(await readFile(join(dir, PROVENANCE_FILE_NAME), 'utf8')) as { id?: unknown };
    return typeof p.id === 'string' ? p.id : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Merges into a Hugging Face checkpoint folder `outDir`: `model.safetensors` (recipe output
 * dtype), the base's config (with `torch_dtype` updated), generation/preprocessor/tokenizer files,
 * `merge-recipe.json` (the normalised recipe) and `provenance.json` (input digests, version,
 * method, timings). Written ATOMICALLY: everything goes to a temporary folder beside `outDir`,
 * renamed into place at the end; on any failure or abort it is removed and `outDir` is untouched.
 * Inputs are validated before the temporary folder is created.
 * @throws AppError as `openMergeInputs`/`streamMergedTensors`; `REQUEST_INVALID` when `outDir`
 * exists with another merge and `overwrite` is not set.
 */
export async function mergeToCheckpoint(
  recipe: MergeRecipe,
  outDir: string,
  options: MergeToCheckpointOptions = {},
): Promise<CheckpointMerge> {
  const t0 = performance.now();
  const out = resolve(outDir);
  await using inputs = await openMergeInputs(recipe, options);
  const tOpen = performance.now();
  const digests = await digestMergeInputs(inputs);
  const id = mergeModelId(recipe, digests);
  const tDigest = performance.now();
  if (await exists(out)) {
    if ((await existingMergeId(out)) === id)
      return { id, outDir: out, isCached: true, provenance: undefined };
    if (options.overwrite !== true) {
      throw new AppError(
        'REQUEST_INVALID',
        `Cannot write merged model to ${out}: the folder exists (holding another model)`,
      );
    }
  }
  const parent = dirname(out);
  await mkdir(parent, { recursive: true });
  const tmp = join(parent, `.${basename(out)}.merging-${process.pid}-${randomBytes(4).toString('hex')}`);
  await mkdir(tmp);
  try {
    const configJson = {
      ...(inputs.base.configJson as Record<string, unknown>),
      torch_dtype: recipe.output.dtype,
    };
    await writeFile(join(tmp, 'config.json'), `${JSON.stringify(configJson, null, 2)}\n`);
    for (const entry of await readdir(inputs.base.dir, { withFileTypes: true })) {
      if (entry.isFile() && !NOT_COPIED.test(entry.name)) {
        await copyFile(join(inputs.base.dir, entry.name), join(tmp, entry.name));
      }
    }
    const dtype = DTYPE_TAG[recipe.output.dtype];
    const specs: TensorSpec[] = inputs.plan.flatMap((t) =>
      [t.name, ...t.aliases].map((name) => ({ name, dtype, shape: t.shape })),
    );
    const timings: MergeTimings = { collectMs: 0, mergeMs: 0 };
    // The writer is done with a tensor before it asks for the next one: its buffer can be reused.
    const stream = streamMergedTensors(inputs, { ...options, recycleOutputs: true }, timings);
    let current: MergedTensor | undefined;
    let merged = 0;
    let passedThrough = 0;
    const tWrite = performance.now();
    await writeSafetensors(
      join(tmp, 'model.safetensors'),
      specs,
      async (spec) => {
        if (current === undefined || !current.aliases.includes(spec.name)) {
          const next = await stream.next();
          if (next.done === true || next.value.name !== spec.name) {
            throw new AppError('INTERNAL', `Cannot write ${spec.name}: the merge stream is out of order`);
          }
          current = next.value;
          if (current.isPassThrough) passedThrough++;
          else merged++;
        }
        return current.data;
      },
      { format: 'pt', chorus_merge_id: id },
    );
    await stream.return(undefined);
    const tDone = performance.now();
    await writeFile(join(tmp, MERGE_RECIPE_FILE_NAME), `${JSON.stringify(recipe, null, 2)}\n`);
    const provenance = buildProvenance(
      inputs,
      id,
      digests,
      options.chorusVersion ?? 'unknown',
      { merged, passedThrough },
      {
        open: tOpen - t0,
        digest: tDigest - tOpen,
        collect: timings.collectMs,
        merge_and_write: tDone - tWrite,
        total: tDone - t0,
      },
    );
    await writeFile(join(tmp, PROVENANCE_FILE_NAME), `${JSON.stringify(provenance, null, 2)}\n`);
    options.signal?.throwIfAborted();
    if (await exists(out)) {
      const old = `${tmp}-old`;
      await rename(out, old);
      await rename(tmp, out);
      await rm(old, { recursive: true, force: true });
    } else {
      await rename(tmp, out);
    }
    return { id, outDir: out, isCached: false, provenance };
  } catch (e) {
    await rm(tmp, { recursive: true, force: true });
    throw e;
  }
}
