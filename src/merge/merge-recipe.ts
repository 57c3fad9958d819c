import { readFile } from 'node:fs/promises';
import { basename, dirname, extname, isAbsolute, resolve } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { AppError } from '../shared/index.js';
import { findMergeMethod } from './methods/registry.js';
import { DEFAULT_SVD_EXCLUDE } from './svd-exclusion.js';

/** Output dtypes of a merged checkpoint (compute is always float32). */
export const OUTPUT_DTYPES = ['float32', 'float16', 'bfloat16'] as const;
/** One of {@link OUTPUT_DTYPES}. */
export type OutputDType = (typeof OUTPUT_DTYPES)[number];

const parametersSchema = z.record(z.string(), z.unknown());

const expertSchema = z.strictObject({
  /** A full fine-tuned checkpoint folder, a delta safetensors file (θ_t − θ_0) or a PEFT LoRA adapter folder. */
  path: z.string().min(1),
  /** Label (language or domain code) used in provenance and pathways; default derived from the path. */
  name: z
    .string()
    .regex(/^[A-Za-z0-9_.-]+$/, 'letters, digits, "_", "-" and "." only')
    .optional(),
  /** w_t (default 1). */
  weight: z.number().finite().default(1),
  /** Per-expert overrides of the method's parameters (e.g. `density`). */
  parameters: parametersSchema.default({}),
});

/**
 * The recipe as written (YAML or JSON), in the spirit of mergekit's: base, method, parameters,
 * experts with weights and per-expert parameters, output dtype, seed, SVD exclusion globs.
 * Strict: a misspelt key fails.
 */
export const MergeRecipeSchema = z.strictObject({
  base: z.string().min(1),
  method: z.string().min(1),
  parameters: parametersSchema.default({}),
  experts: z.array(expertSchema).min(1),
  output: z.strictObject({ dtype: z.enum(OUTPUT_DTYPES).default('float32') }).default({ dtype: 'float32' }),
  /** Seed of the stochastic methods; each tensor uses sha256(seed, name) (`tensorSeed`). */
  seed: z
    .number()
    .int()
    .gte(0)
    .lte(2 ** 32 - 1)
    .default(0),
  /** Glob patterns of tensors kept off the SVD path (default: embeddings, see `DEFAULT_SVD_EXCLUDE`). */
  svd_exclude: z.array(z.string().min(1)).default([...DEFAULT_SVD_EXCLUDE]),
});

/** One expert of a normalised recipe. */
export interface MergeRecipeExpert {
  readonly path: string;
  readonly name: string;
  readonly weight: number;
  /** The expert's own overrides, validated (not merged with the method's parameters). */
  readonly parameters: Readonly<Record<string, unknown>>;
}

/**
 * A validated recipe with every default filled in: method parameters parsed by the method's
 * schema, expert names derived, paths absolute. This is what `merge-recipe.json` holds.
 */
export interface MergeRecipe {
  readonly base: string;
  readonly method: string;
  readonly parameters: Readonly<Record<string, unknown>>;
  readonly experts: readonly MergeRecipeExpert[];
  readonly output: { readonly dtype: OutputDType };
  readonly seed: number;
  readonly svd_exclude: readonly string[];
}

/** Options of {@link parseMergeRecipe}. */
export interface ParseMergeRecipeOptions {
  /** Folder relative paths resolve against (default: the current directory, as mergekit does). */
  readonly baseDir?: string;
}

function formatIssues(issues: readonly z.core.$ZodIssue[], prefix: readonly PropertyKey[] = []): string {
  return issues
    .map((issue) => {
      const path = [...prefix, ...issue.path].map(String).join('.');
      const keys = issue.code === 'unrecognized_keys' ? ` (${issue.keys.join(', ')})` : '';
      return `${path === '' ? '(root)' : path}: ${issue.message}${keys}`;
    })
    .join('; ');
}

function invalid(details: string): AppError {
  return new AppError('MERGE_RECIPE_INVALID', `Cannot use merge recipe: ${details}`);
}

// Generic file names inside an expert folder: the folder names the expert.
const GENERIC_FILE_STEMS = new Set(['delta', 'model', 'adapter_model', 'task_vector']);

/** `models/experts/de/delta.safetensors` → `de`; `experts/fr.safetensors` → `fr`; `models/experts/it` → `it`. */
function defaultExpertName(path: string): string {
  const file = basename(path);
  const ext = extname(file);
  const stem =
    ext === '.safetensors'
      ? GENERIC_FILE_STEMS.has(file.slice(0, -ext.length))
        ? basename(dirname(path))
        : file.slice(0, -ext.length)
      : file;
  return stem.replace(/[^A-Za-z0-9_.-]/g, '_') || 'expert';
}

/**
 * Validates a parsed recipe object and returns the normalised recipe.
 * @throws AppError `MERGE_RECIPE_INVALID` naming every offending field (`experts.1.weight: …`),
 * an unknown method (listing the known ones) or a bad method/expert parameter.
 */
export function parseMergeRecipe(raw: unknown, options: ParseMergeRecipeOptions = {}): MergeRecipe {
  const parsed = MergeRecipeSchema.safeParse(raw);
  if (!parsed.success) throw invalid(formatIssues(parsed.error.issues));
  const recipe = parsed.data;
  const method = findMergeMethod(recipe.method);
  const params = method.paramsSchema.safeParse(recipe.parameters);
  if (!params.success) throw invalid(formatIssues(params.error.issues, ['parameters']));
  const baseDir = options.baseDir ?? process.cwd();
  const abs = (p: string): string => (isAbsolute(p) ? resolve(p) : resolve(baseDir, p));
  const experts = recipe.experts.map((e, i): MergeRecipeExpert => {
    const merged = method.paramsSchema.safeParse({ ...recipe.parameters, ...e.parameters });
    if (!merged.success) throw invalid(formatIssues(merged.error.issues, ['experts', i, 'parameters']));
    return {
      path: abs(e.path),
      name: e.name ?? defaultExpertName(e.path),
      weight: e.weight,
      parameters: e.parameters,
    };
  });
  const names = new Set<string>();
  experts.forEach((e, i) => {
    if (names.has(e.name)) throw invalid(`experts.${i}.name: "${e.name}" is used twice (set distinct names)`);
    names.add(e.name);
  });
  return {
    base: abs(recipe.base),
    method: recipe.method,
    parameters: params.data as Record<string, unknown>,
    experts,
    output: recipe.output,
    seed: recipe.seed,
    svd_exclude: recipe.svd_exclude,
  };
}

/**
 * Reads a recipe file (YAML or JSON; JSON is YAML) and normalises it; relative paths resolve
 * against the current directory unless `baseDir` is given.
 * @throws AppError `MERGE_RECIPE_INVALID` when the file is unreadable, not YAML/JSON, or invalid.
 */
export async function loadMergeRecipe(
  path: string,
  options: ParseMergeRecipeOptions = {},
): Promise<MergeRecipe> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (e) {
    throw new AppError(
      'MERGE_RECIPE_INVALID',
      `Cannot read merge recipe ${path}: file is missing or unreadable`,
      {
        cause: e,
      },
    );
  }
  let raw: unknown;
  try {
    raw = parseYaml(text);
  } catch (e) {
    throw new AppError('MERGE_RECIPE_INVALID', `Cannot parse merge recipe ${path}: not valid YAML or JSON`, {
      cause: e,
    });
  }
  return parseMergeRecipe(raw, options);
}

/**
 * The per-expert parameter objects the engine passes as `TensorMergeInput.expertParams`: the
 * method's parameters with the expert's overrides applied, parsed (defaulted) by the method schema.
 */
export function resolveExpertParams(recipe: MergeRecipe): Record<string, unknown>[] {
  const method = findMergeMethod(recipe.method);
  return recipe.experts.map(
    (e) => method.paramsSchema.parse({ ...recipe.parameters, ...e.parameters }) as Record<string, unknown>,
  );
}
