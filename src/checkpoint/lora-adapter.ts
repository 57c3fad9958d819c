import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { AppError } from '../shared/index.js';
import type { HfCheckpoint } from './hf-checkpoint.js';
import { isFloatDType } from './safetensors-dtype.js';
import { SafetensorsFile } from './safetensors-file.js';
import { elementsOfRows, type RowRange } from './row-range.js';
import type { TaskVectorSource } from './task-vector-source.js';
import { combineDigests, digestTensor } from './tensor-digest.js';

/**
 * A PEFT LoRA adapter folder as a task vector: for each targeted module ΔW = scale·B·A, with
 * scale = lora_alpha/r (or lora_alpha/√r with `use_rslora`, Kalajdzievski 2023, arXiv:2312.03732).
 * Also full tensors PEFT saves beside the LoRA factors (`modules_to_save`, `bias: "all"`,
 * resized embeddings) become deltas against the base.
 * ref: huggingface/peft src/peft/utils/save_and_load.py@000b584 (key names, adapter name removed),
 * src/peft/tuners/lora/layer.py (get_delta_weight: Linear `transpose(B@A, fan_in_fan_out)`,
 * Embedding `transpose(B@A, True)`, Conv `B ∘ A` over flattened kernels).
 */

export const ADAPTER_CONFIG_NAME = 'adapter_config.json';
export const ADAPTER_WEIGHTS_NAME = 'adapter_model.safetensors';

/** The adapter_config.json fields that change ΔW. */
export interface LoraAdapterConfig {
  readonly r: number;
  readonly loraAlpha: number;
  readonly useRslora: boolean;
  readonly fanInFanOut: boolean;
  readonly rankPattern: Readonly<Record<string, number>>;
  readonly alphaPattern: Readonly<Record<string, number>>;
}

/** How one base tensor's delta is made. */
interface LoraPlan {
  readonly name: string;
  readonly shape: readonly number[];
  /** Adapter tensor holding a full replacement (delta = it − base), if any. */
  full?: string;
  lora?: {
    readonly a: string;
    readonly b: string;
    readonly rank: number;
    readonly scale: number;
    /** ΔW = (B·A)ᵀ (embeddings, fan_in_fan_out). */
    readonly transpose: boolean;
  };
}

const PEFT_PREFIX = 'base_model.model.';
/** `<module>.lora_A.weight`, or `<module>.lora_A.<adapter>.weight` when saved without removing the adapter name. */
const LORA_LINEAR_KEY = /^(.+)\.(lora_A|lora_B)(?:\.[A-Za-z0-9_-]+)?\.weight$/;
/** Embedding factors are bare parameters: `<module>.lora_embedding_A[.<adapter>]`. */
const LORA_EMBEDDING_KEY = /^(.+)\.(lora_embedding_A|lora_embedding_B)(?:\.[A-Za-z0-9_-]+)?$/;

function bad(path: string, msg: string): AppError {
  return new AppError('CHECKPOINT_INVALID', `Cannot read LoRA adapter ${path}: ${msg}`);
}

function readNumberMap(v: unknown, field: string, path: string): Record<string, number> {
  if (v === undefined || v === null) return {};
  if (typeof v !== 'object' || Array.isArray(v)) throw bad(path, `${field} is not an object`);
  const out: Record<string, number> = {};
  for (const [k, x] of Object.entries(v as Record<string, unknown>)) {
    if (typeof x !== 'number' || !Number.isFinite(x) || x <= 0)
      throw bad(path, `${field}.${k} is not a positive number`);
    out[k] = x;
  }
  return out;
}

/**
 * Reads the fields of adapter_config.json that define ΔW.
 * @throws AppError `CHECKPOINT_INVALID` naming the bad field; `MERGE_INPUT_INVALID` for a
 * non-LoRA PEFT type or DoRA (whose update is not B·A).
 */
export function parseLoraAdapterConfig(json: unknown, path: string): LoraAdapterConfig {
  if (typeof json !== 'object' || json === null || Array.isArray(json))
    throw bad(path, `${ADAPTER_CONFIG_NAME} is not an object`);
  const c = json as Record<string, unknown>;
  if (c.peft_type !== undefined && c.peft_type !== 'LORA') {
    throw new AppError(
      'MERGE_INPUT_INVALID',
      `Cannot use adapter ${path}: peft_type ${JSON.stringify(c.peft_type)} is not LORA`,
    );
  }
  if (c.use_dora === true) {
    throw new AppError(
      'MERGE_INPUT_INVALID',
      `Cannot use adapter ${path}: DoRA adapters (use_dora) are not supported`,
    );
  }
  if (typeof c.r !== 'number' || !Number.isSafeInteger(c.r) || c.r <= 0)
    throw bad(path, 'r is not a positive integer');
  if (typeof c.lora_alpha !== 'number' || !Number.isFinite(c.lora_alpha))
    throw bad(path, 'lora_alpha is not a number');
  return {
    r: c.r,
    loraAlpha: c.lora_alpha,
    useRslora: c.use_rslora === true,
    fanInFanOut: c.fan_in_fan_out === true,
    rankPattern: readNumberMap(c.rank_pattern, 'rank_pattern', path),
    alphaPattern: readNumberMap(c.alpha_pattern, 'alpha_pattern', path),
  };
}

/** PEFT's pattern lookup (`get_pattern_key`): the first key matching the end of the module name at a dot boundary. */
function patternValue(
  pattern: Readonly<Record<string, number>>,
  module: string,
  path: string,
): number | undefined {
  for (const [key, value] of Object.entries(pattern)) {
    let re: RegExp;
    try {
      re = new RegExp(`^(?:.*\\.)?(?:${key})$`);
    } catch (e) {
      throw new AppError(
        'CHECKPOINT_INVALID',
        `Cannot read LoRA adapter ${path}: pattern ${JSON.stringify(key)} is not a regex`,
        {
          cause: e,
        },
      );
    }
    if (re.test(module)) return value;
  }
  return undefined;
}

/**
 * scale·(B·A) (or its transpose) into `out`, accumulating the rank-r sums in float64; with `rows`,
 * only those rows of the result (`out` holds just them), with the same bits as the whole product's.
 */
export function loraDeltaInto(
  out: Float32Array,
  a: Float32Array,
  b: Float32Array,
  rank: number,
  scale: number,
  transpose: boolean,
  rows?: RowRange,
): Float32Array {
  const bRows = b.length / rank; // B is [bRows, rank]
  const cols = a.length / rank; // A is [rank, cols]
  const first = rows?.first ?? 0;
  if (!transpose) {
    // Row i of ΔW = Σ_k B[i,k]·A[k,:].
    const count = rows?.count ?? bRows;
    const acc = new Float64Array(cols);
    for (let i = first; i < first + count; i++) {
      acc.fill(0);
      for (let k = 0; k < rank; k++) {
        const bik = b[i * rank + k];
        if (bik === 0) continue;
        const aRow = k * cols;
        for (let j = 0; j < cols; j++) acc[j] += bik * a[aRow + j];
      }
      const o = (i - first) * cols;
      for (let j = 0; j < cols; j++) out[o + j] = scale * acc[j];
    }
    return out;
  }
  // ΔW = (B·A)ᵀ: row j of ΔW is column j of B·A; the same sums, in the same order, per (i, j).
  const count = rows?.count ?? cols;
  const acc = new Float64Array(count);
  for (let i = 0; i < bRows; i++) {
    acc.fill(0);
    for (let k = 0; k < rank; k++) {
      const bik = b[i * rank + k];
      if (bik === 0) continue;
      const aRow = k * cols + first;
      for (let j = 0; j < count; j++) acc[j] += bik * a[aRow + j];
    }
    for (let j = 0; j < count; j++) out[j * bRows + i] = scale * acc[j];
  }
  return out;
}

function productOf(shape: readonly number[]): number {
  let n = 1;
  for (const d of shape) n *= d;
  return n;
}

/** A PEFT LoRA adapter folder as a TaskVectorSource. */
export class LoraTaskVector implements TaskVectorSource {
  readonly kind = 'lora' as const;
  readonly #names: readonly string[];
  #digest: Promise<string> | undefined;

  private constructor(
    readonly path: string,
    private readonly file: SafetensorsFile,
    private readonly base: HfCheckpoint,
    private readonly plans: ReadonlyMap<string, LoraPlan>,
    private readonly adapterConfigJson: unknown,
  ) {
    this.#names = [...plans.keys()].sort();
  }

  /**
   * Opens `dir` (adapter_config.json + adapter_model.safetensors) against the base and maps every
   * adapter tensor back to a base parameter.
   * @throws AppError `CHECKPOINT_INVALID` (missing/malformed files, unpaired or inconsistent factors),
   * `MERGE_INPUT_INVALID` (module not in base, unsupported PEFT type), `MERGE_SHAPE_MISMATCH`
   * (ΔW shape differs from the base tensor).
   */
  static async open(dir: string, base: HfCheckpoint): Promise<LoraTaskVector> {
    let configJson: unknown;
    try {
      configJson = JSON.parse(await readFile(join(dir, ADAPTER_CONFIG_NAME), 'utf8'));
    } catch (e) {
      throw new AppError(
        'CHECKPOINT_INVALID',
        `Cannot read LoRA adapter ${dir}: ${ADAPTER_CONFIG_NAME} is missing or not JSON`,
        {
          cause: e,
        },
      );
    }
    const config = parseLoraAdapterConfig(configJson, dir);
    const weightsPath = join(dir, ADAPTER_WEIGHTS_NAME);
    try {
      await stat(weightsPath);
    } catch (e) {
      throw new AppError(
        'CHECKPOINT_INVALID',
        `Cannot read LoRA adapter ${dir}: ${ADAPTER_WEIGHTS_NAME} is missing (pickled adapter_model.bin is not supported)`,
        { cause: e },
      );
    }
    const file = await SafetensorsFile.open(weightsPath);
    try {
      const plans = LoraTaskVector.#plan(file, base, config, dir);
      return new LoraTaskVector(dir, file, base, plans, configJson);
    } catch (e) {
      await file.close();
      throw e;
    }
  }

  static #plan(
    file: SafetensorsFile,
    base: HfCheckpoint,
    config: LoraAdapterConfig,
    dir: string,
  ): Map<string, LoraPlan> {
    /** Maps a module path (or parameter path) inside the PEFT wrapper to a base parameter name. */
    const toBase = (inner: string, suffix: string): string | undefined => {
      for (const candidate of [`${inner}${suffix}`, `model.${inner}${suffix}`])
        if (base.has(candidate)) return candidate;
      return undefined;
    };
    const factors = new Map<string, { module: string; a?: string; b?: string; embedding: boolean }>();
    const plans = new Map<string, LoraPlan>();
    const planFor = (name: string): LoraPlan => {
      let p = plans.get(name);
      if (p === undefined) {
        p = { name, shape: base.info(name).shape };
        plans.set(name, p);
      }
      return p;
    };
    for (const info of file.tensors.values()) {
      if (!isFloatDType(info.dtype))
        throw bad(dir, `tensor "${info.name}" is ${info.dtype}, not a float type`);
      const key = info.name.startsWith(PEFT_PREFIX) ? info.name.slice(PEFT_PREFIX.length) : info.name;
      const m = LORA_LINEAR_KEY.exec(key) ?? LORA_EMBEDDING_KEY.exec(key);
      if (m !== null) {
        const module = m[1];
        const embedding = m[2].startsWith('lora_embedding');
        const f = factors.get(module) ?? { module, embedding };
        if (f.embedding !== embedding)
          throw bad(dir, `module "${module}" mixes embedding and linear LoRA factors`);
        if (m[2].endsWith('A')) f.a = info.name;
        else f.b = info.name;
        factors.set(module, f);
        continue;
      }
      if (/(?:^|\.)lora_/.test(key)) {
        throw new AppError(
          'MERGE_INPUT_INVALID',
          `Cannot use adapter ${dir}: tensor "${info.name}" is a LoRA variant this reader does not support`,
        );
      }
      // A full tensor: modules_to_save copy, a saved bias, a resized embedding's base layer.
      const param = key
        .replace(/\.modules_to_save(?:\.[A-Za-z0-9_-]+)?(?=\.[^.]+$)/, '')
        .replace(/\.base_layer(?=\.[^.]+$)/, '');
      const target = toBase(param, '');
      if (target === undefined) {
        throw new AppError(
          'MERGE_INPUT_INVALID',
          `Cannot use adapter ${dir}: tensor "${info.name}" maps to no base parameter`,
        );
      }
      const p = planFor(target);
      if (info.shape.length !== p.shape.length || !info.shape.every((d, i) => d === p.shape[i])) {
        throw new AppError(
          'MERGE_SHAPE_MISMATCH',
          `Cannot use adapter ${dir}: "${info.name}" [${info.shape.join(', ')}] vs base "${target}" [${p.shape.join(', ')}]`,
        );
      }
      p.full = info.name;
    }
    for (const f of factors.values()) {
      if (f.a === undefined || f.b === undefined)
        throw bad(dir, `module "${f.module}" has only one of lora_A / lora_B`);
      const target = toBase(f.module, '.weight');
      if (target === undefined) {
        throw new AppError(
          'MERGE_INPUT_INVALID',
          `Cannot use adapter ${dir}: module "${f.module}" has no weight in the base`,
        );
      }
      const a = file.info(f.a).shape;
      const b = file.info(f.b).shape;
      // Linear/Conv: A [r, in, (k)], B [out, r, (1)]. Embedding: A [r, num], B [dim, r].
      const rank = a[0];
      if (a.length < 2 || b.length < 2 || b[1] !== rank || productOf(b) !== b[0] * rank) {
        throw bad(
          dir,
          `module "${f.module}" has factor shapes A [${a.join(', ')}], B [${b.join(', ')}] that do not chain`,
        );
      }
      const baseModule = target.slice(0, -'.weight'.length);
      const r = patternValue(config.rankPattern, baseModule, dir) ?? config.r;
      if (r !== rank) throw bad(dir, `module "${f.module}" has rank ${rank}, adapter_config.json says ${r}`);
      const alpha = patternValue(config.alphaPattern, baseModule, dir) ?? config.loraAlpha;
      const scale = config.useRslora ? alpha / Math.sqrt(rank) : alpha / rank;
      const transpose = f.embedding || config.fanInFanOut;
      const p = planFor(target);
      const cols = productOf(a) / rank;
      const expected = transpose ? [cols, b[0]] : [b[0], ...a.slice(1)];
      const baseFlat = p.shape.length >= 2 ? [p.shape[0], productOf(p.shape.slice(1))] : p.shape;
      const gotFlat = [expected[0], productOf(expected.slice(1))];
      if (baseFlat.length !== 2 || baseFlat[0] !== gotFlat[0] || baseFlat[1] !== gotFlat[1]) {
        throw new AppError(
          'MERGE_SHAPE_MISMATCH',
          `Cannot use adapter ${dir}: ΔW of "${f.module}" is [${expected.join(', ')}], base "${target}" is [${p.shape.join(', ')}]`,
        );
      }
      p.lora = { a: f.a, b: f.b, rank, scale, transpose };
    }
    return plans;
  }

  names(): readonly string[] {
    return this.#names;
  }

  has(name: string): boolean {
    return this.plans.has(name);
  }

  shape(name: string): readonly number[] {
    const p = this.plans.get(name);
    if (p === undefined) {
      throw new AppError(
        'MERGE_INPUT_INVALID',
        `Cannot get the delta shape of "${name}": ${this.path} does not change it`,
      );
    }
    return p.shape;
  }

  async readDeltaF32(
    name: string,
    base?: Float32Array,
    _into?: Float32Array,
    rows?: RowRange,
  ): Promise<Float32Array | null> {
    const p = this.plans.get(name);
    if (p === undefined) return null;
    const { count: n } = elementsOfRows(p.shape, rows, `tensor "${name}" of ${this.path}`);
    if (base !== undefined && base.length !== n) {
      throw new AppError(
        'MERGE_SHAPE_MISMATCH',
        `Cannot compute the delta of "${name}" for ${this.path}: base has ${base.length} values, expected ${n}`,
      );
    }
    let out: Float32Array;
    if (p.full !== undefined) {
      out = await this.file.readF32(p.full, undefined, rows);
      const theta0 = base ?? (await this.base.readF32(name, undefined, rows));
      for (let i = 0; i < n; i++) out[i] -= theta0[i];
    } else out = new Float32Array(n);
    if (p.lora !== undefined) {
      const [a, b] = await Promise.all([this.file.readF32(p.lora.a), this.file.readF32(p.lora.b)]);
      const lora = p.full === undefined ? out : new Float32Array(n);
      loraDeltaInto(lora, a, b, p.lora.rank, p.lora.scale, p.lora.transpose, rows);
      if (lora !== out) for (let i = 0; i < n; i++) out[i] += lora[i];
    }
    return out;
  }

  /** sha256 over adapter_config.json (canonical) and the adapter tensors' digests (computed once). */
  digest(): Promise<string> {
    this.#digest ??= (async () => {
      const digests = new Map<string, string>();
      for (const name of [...this.file.tensors.keys()].sort())
        digests.set(name, await digestTensor(this.file, name));
      return combineDigests('lora', this.adapterConfigJson, digests);
    })();
    return this.#digest;
  }

  close(): Promise<void> {
    return this.file.close();
  }

  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }
}
